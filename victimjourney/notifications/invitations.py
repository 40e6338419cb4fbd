"""Invitations to the victim portal: who is invited to follow their case online, and when.

A victim is invited
- by a person in the workspace: a `portal.invited` event (its provider is the inviting
  organisation, its `channel` the channel chosen, if any); the invitation it records is sent;
- automatically, once, when the police record the crime (`crime.recorded`), unless that is
  unsafe or unsuitable (`auto_refusal`): then nobody is invited until a person decides.

Both run inside the feed import (`outbox.notices_plan`), so an invitation is planned in the same
transaction as the event that calls for it, and only for events that reached the system within
the planning window (an old feed imported in bulk invites nobody). The invitation itself says
nothing about the case: the portal's address and how to sign in (crime reference number, the
email address or mobile number on record, then a one-time code).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings

from victimjourney.core.errors import DomainError
from victimjourney.duties.engine import CaseEvaluation
from victimjourney.notifications.conf import setting
from victimjourney.notifications.models import Notice
from victimjourney.organisations.selectors import organisation_refs
from victimjourney.victims.categories import age_on
from victimjourney.victims.models import Victim

log = logging.getLogger(__name__)

SENT = ("email", "sms", "letter")


def portal_link() -> str:
    return str(setting("NOTIFICATIONS_PORTAL_URL")).rstrip("/") + "/sign-in/"


def auto_refusal(evaluation: CaseEvaluation, victim_key: str, today: dt.date) -> str:
    """Why VICTIM_KEY must not be invited automatically ('' when they may be)."""
    facts = evaluation.victims.get(victim_key)
    if facts is None:
        return "not a victim on this case"
    mine = [e for e in evaluation.events if e.victim == victim_key]
    for event in mine:
        if event.type == "victim.opted_out":
            wanted = event.data.get("entitlements")
            if wanted == "all" or (isinstance(wanted, list) and "all" in wanted):
                return "the victim asked not to receive updates"
    if facts.kind == "person" and facts.date_of_birth is not None \
            and age_on(facts.date_of_birth, today) < 18:
        return "a child: their parent or guardian is invited instead"
    if facts.kind == "bereaved_close_relative" and any(
            v.kind == "family_spokesperson" for v in evaluation.victims.values()):
        return "the family's spokesperson is invited instead"
    if evaluation.crime is not None and evaluation.crime.domestic_abuse:
        flags = set()
        for event in sorted(mine, key=lambda e: (e.occurred_at, e.id)):
            if event.type == "flag.set":
                flags.add(str(event.data.get("flag", "")))
            elif event.type == "flag.cleared":
                flags.discard(str(event.data.get("flag", "")))
        if "safe_contact" not in flags:
            return "domestic abuse: a person must first confirm a safe way to make contact"
    return ""


def invitations_plan(items: Sequence[tuple[int, CaseEvaluation]], now: dt.datetime) -> int:
    """Send the invitations the evaluated cases call for. Returns how many were created."""
    since = now - dt.timedelta(days=float(setting("NOTIFICATIONS_PLAN_WINDOW_DAYS")))
    automatic = bool(getattr(settings, "PORTAL_AUTO_INVITE", True))
    wanted: dict[str, tuple[int, str, str, str | None]] = {}  # key -> case, victim, org, channel

    def recent(event: Any) -> bool:
        return max(event.occurred_at, event.received_at) >= since

    for case_id, evaluation in items:
        invited = {e.victim for e in evaluation.events if e.type == "portal.invited"}
        for event in evaluation.events:
            if event.type == "portal.invited" and event.victim and recent(event):
                channel = event.data.get("channel")
                wanted[f"portal-invite:{event.id}"] = (
                    case_id, event.victim, event.provider, channel if channel in SENT else None)
        if not automatic or not evaluation.force:
            continue
        if not any(e.type == "crime.recorded" and recent(e) for e in evaluation.events):
            continue
        for key in evaluation.victims:
            if key in invited:
                continue
            why_not = auto_refusal(evaluation, key, now.date())
            if why_not:
                log.info("case %s victim %s not invited automatically: %s",
                         evaluation.case, key, why_not)
                continue
            wanted[f"portal-invite:auto:{case_id}:{key}"] = (
                case_id, key, f"police:{evaluation.force}", None)
    if not wanted:
        return 0
    existing = set(Notice.objects.filter(key__in=list(wanted)).values_list("key", flat=True))
    fresh = {k: v for k, v in wanted.items() if k not in existing}
    if not fresh:
        return 0
    victims = {(v.case_id, v.key): v for v in Victim.objects.filter(
        case_id__in={v[0] for v in fresh.values()}, key__in={v[1] for v in fresh.values()})}
    orgs = organisation_refs()
    from victimjourney.notifications.outbox import notice_direct

    made = 0
    for key, (case_id, victim_key, sender, channel) in sorted(fresh.items()):
        victim = victims.get((case_id, victim_key))
        if victim is None or sender not in orgs:
            continue
        try:
            notice_direct(kind_code="portal_invitation", key=key, victim=victim,
                          sender=orgs[sender], extra={"link": portal_link()},
                          channel=channel, now=now)
        except DomainError as exc:
            # No safe channel (or the one asked for is not allowed): a person must help.
            log.info("invitation %s not sent: %s", key, exc)
            continue
        made += 1
    return made
