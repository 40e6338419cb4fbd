"""Plain-English (or Welsh) explanations of duties, from the duty's own facts and its rule.

The sentences are translated in the active language, and so are the facts the engine recorded
(the basis of the deadline, the reason a duty is not applicable: `duties.recorded.shown`);
legal citations, event ids and what people typed stay as recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.utils import formats
from django.utils.translation import gettext as _

from victimjourney.code.editions import EDITIONS
from victimjourney.code.model import Entitlement
from victimjourney.core.clock import local_date
from victimjourney.duties.engine import DutyResult
from victimjourney.duties.recorded import shown
from victimjourney.organisations.reference import OrganisationRef


def long_date(day: dt.date) -> str:
    """'Tuesday 22 April 2014', in the active language."""
    return formats.date_format(day, "l j F Y")


def rule_for(edition: str, entitlement: str) -> Entitlement:
    return EDITIONS[edition].by_id()[entitlement]


def explain(duty: DutyResult, orgs: Mapping[str, OrganisationRef]) -> str:
    rule = rule_for(duty.edition, duty.entitlement)
    org = orgs.get(duty.provider)
    owed_by = org.local_name if org else duty.provider
    level = _("enhanced entitlement") if duty.enhanced else _("standard entitlement")
    spec = rule.enhanced if duty.enhanced else rule.standard
    facts = {"org": owed_by, "basis": shown(duty.basis), "level": level,
             "deadline": spec.describe_translated()}
    parts = [_(rule.action)]
    if spec.kind == "before_event":
        when = spec.describe_translated()
        if duty.due_date is not None:
            when = _("%(when)s (the decision came on %(date)s)") % {
                "when": when, "date": long_date(duty.due_date)}
        parts.append(_("Owed by %(org)s %(when)s, because %(basis)s (%(level)s).")
                     % {**facts, "when": when})
    elif duty.due_date is not None:
        parts.append(_("Owed by %(org)s by the end of %(date)s: %(deadline)s, because "
                       "%(basis)s (%(level)s).") % {**facts, "date": long_date(duty.due_date)})
    else:
        parts.append(_("Owed by %(org)s; the Code sets no time limit (%(deadline)s).") % facts)
    edition = EDITIONS[duty.edition]
    parts.append(f"{_(edition.title)}: {rule.citation} [{', '.join(rule.provenance)}].")
    if rule.unverified:
        parts.append(_("Part of this rule is UNVERIFIED against the Code's own text."))
    if duty.status == "met":
        assert duty.fulfilled_at is not None
        parts.append(_("Met on %(date)s (%(evidence)s).") % {
            "date": long_date(local_date(duty.fulfilled_at)), "evidence": duty.fulfilled_by})
    elif duty.status == "late":
        assert duty.fulfilled_at is not None
        parts.append(_("Late: done on %(date)s (%(evidence)s), after the deadline.") % {
            "date": long_date(local_date(duty.fulfilled_at)), "evidence": duty.fulfilled_by})
    elif duty.status == "breached":
        parts.append(_("Breached: not done by the deadline."))
    elif duty.status == "not_applicable":
        parts.append(_("Not applicable: %(reason)s.") % {"reason": shown(duty.reason)})
    else:
        parts.append(_("Open."))
    return " ".join(parts)
