"""The words of a notice, rendered once from the one case record, in the victim's language.

The facts of the event come from `letters.content.letter_facts` (and the rights from
`letter_for`, for the events letters cover), so a notice, a printed letter and every agency's
copy state the same facts. Each kind's own words are in
`templates/notifications/<language>/kinds/<kind>.txt` (first paragraph: the title), English
and Welsh side by side; the layouts around them are in the same folders.

What goes where (docs/NOTIFICATIONS.md): the full notice (`body`) goes by letter and to the
portal; email and SMS carry `alert_text`, which says only that there is an update, from whom,
and how to read it, never a detail of the case. Portal invitations and one-time codes carry no
case details and are sent as they are.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats, translation

from victimjourney.cases.models import Case
from victimjourney.core.clock import LONDON, local_date
from victimjourney.journey.models import Event
from victimjourney.letters.content import LETTER_TYPES, letter_facts, letter_for
from victimjourney.notifications.conf import setting
from victimjourney.notifications.kinds import NoticeKind
from victimjourney.organisations.reference import OrganisationRef
from victimjourney.victims.models import Victim

LANGUAGES = ("en", "cy")


@dataclass(frozen=True)
class Content:
    language: str
    title: str
    body: str
    alert_subject: str
    alert_text: str


def language_of(victim: Victim) -> str:
    return victim.language if victim.language in LANGUAGES else "en"


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def _split(text: str) -> tuple[str, str]:
    """A rendered template's first paragraph (a title or subject) and the rest."""
    head, _, rest = _tidy(text).partition("\n\n")
    return head.strip(), rest.strip()


def _day(value: Any) -> str:
    """A date or instant as a local date in the active language ('3 Mawrth 2024')."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = value.astimezone(LONDON).date() if value.tzinfo else value.date()
    return formats.date_format(value, "j F Y")


def portal_url() -> str:
    return str(setting("NOTIFICATIONS_PORTAL_URL"))


def notice_content(*, kind: NoticeKind, case: Case, victim: Victim, event: Event | None,
                   sender: OrganisationRef, extra: dict[str, Any] | None = None) -> Content:
    """Render a notice of KIND to VICTIM about EVENT (None for invitations and codes)."""
    language = language_of(victim)
    data = (event.data or {}) if event is not None else {}
    with translation.override(language):
        context: dict[str, Any] = {
            "sender": sender.local_name, "recipient": victim.name, "data": data,
            "trigger_type": event.type if event is not None else "",
            "occurred": _day(event.occurred_at) if event is not None else "",
            "portal_url": portal_url(), **(extra or {}),
        }
        for name in ("hearing_at",):
            if data.get(name):
                context[name.replace("_at", "_day")] = _day(data[name])
        title, explanation = _split(render_to_string(
            f"notifications/{language}/kinds/{kind.code}.txt", context))
        facts: tuple = ()
        rights: tuple[str, ...] = ()
        if event is not None:
            facts = letter_facts(case, event)
            if event.type in LETTER_TYPES:
                rights = letter_for(case=case, victim=victim, event=event, sender=sender,
                                    dated=local_date(event.occurred_at)).rights
        body = _tidy(render_to_string(f"notifications/{language}/body.txt", {
            **context, "title": title, "explanation": explanation, "facts": facts,
            "rights": rights}))
        if kind.private:
            alert_subject, alert_text = _split(render_to_string(
                f"notifications/{language}/alert.txt", context))
        else:
            alert_subject, alert_text = title, explanation
    return Content(language=language, title=title[:200], body=body,
                   alert_subject=alert_subject[:200], alert_text=alert_text)
