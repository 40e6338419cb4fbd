"""Reads of duties, for the workspace and the portal."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Value
from django.utils.translation import gettext

from victimjourney.core.clock import local_date
from victimjourney.duties.engine import DutyResult
from victimjourney.duties.explain import explain, rule_for
from victimjourney.duties.models import Duty
from victimjourney.organisations.reference import OrganisationRef


def duty_as_result(duty: Duty) -> DutyResult:
    return DutyResult(
        case=duty.case.reference,
        victim=duty.victim.key, trigger_event=duty.trigger_event_id,
        trigger_type=duty.trigger_type, triggered_at=duty.triggered_at,
        entitlement=duty.entitlement, edition=duty.edition, provider=duty.provider_id,
        enhanced=duty.enhanced, basis=duty.basis, due_date=duty.due_date, due_at=duty.due_at,
        status=duty.status, fulfilled_by=duty.fulfilled_by_id, fulfilled_at=duty.fulfilled_at,
        reason=duty.reason, deadline_text=duty.deadline_text, unverified=duty.unverified,
    )


@dataclass
class DutyView:
    duty: Duty
    title: str
    action: str
    explanation: str
    provider_name: str
    deadline: str = ""  # the deadline in words, in the active language


def duty_views(duties: QuerySet[Duty] | list[Duty], orgs: dict[str, OrganisationRef]
               ) -> list[DutyView]:
    out = []
    for duty in duties:
        rule = rule_for(duty.edition, duty.entitlement)
        org = orgs.get(duty.provider_id)
        spec = rule.enhanced if duty.enhanced else rule.standard
        out.append(DutyView(duty, gettext(rule.title), gettext(rule.action),
                            explain(duty_as_result(duty), orgs),
                            org.local_name if org else duty.provider_id,
                            spec.describe_translated()))
    return out


def duties_of_case(case_id: int) -> dict[str, list[Duty]]:
    """Every duty on a case, by victim key, most urgent first."""
    by_victim: dict[str, list[Duty]] = defaultdict(list)
    order = {"breached": 0, "open": 1, "late": 2, "met": 3, "not_applicable": 4}
    duties = (Duty.objects.filter(case_id=case_id).select_related("victim", "case"))
    for duty in sorted(duties, key=lambda d: (order[d.status], d.due_at is None,
                                              d.due_at or d.triggered_at, d.entitlement)):
        by_victim[duty.victim.key].append(duty)
    return by_victim


# The groups of "My duties", most urgent first.
GROUPS = ("overdue", "today", "week", "later", "undated")


@dataclass
class Workload:
    overdue: list[Duty]
    due_today: list[Duty]
    due_this_week: list[Duty]
    later: list[Duty]
    undated: list[Duty]
    counts: dict[str, int] = field(default_factory=dict)  # every duty in each group


def _todo(organisation: str, group: str, today: dt.date) -> QuerySet[Duty]:
    """The duties of one group of "My duties", in the order they are shown. Each group is
    served by a partial index of its own (duties/models.py): breached by
    duty_todo_by_provider, dated ones by duty_todo_dated, the rest by duty_todo_undated."""
    return _group(organisation, group, today).select_related("case", "victim").order_by(
        *GROUP_ORDER[group])


GROUP_ORDER = {"overdue": ("due_at", "id"), "today": ("due_at", "id"), "week": ("due_at", "id"),
               "later": ("due_at", "id"), "undated": ("-triggered_at", "id")}


def _group(organisation: str, group: str, today: dt.date) -> QuerySet[Duty]:
    base = Duty.objects.filter(provider_id=organisation)
    week_end = today + dt.timedelta(days=7)
    if group == "overdue":
        return base.filter(status="breached")
    if group == "undated":
        return base.filter(status="open", due_date__isnull=True)
    dated = base.filter(status="open", due_date__isnull=False)
    if group == "today":
        return dated.filter(due_date=today)
    if group == "week":
        return dated.filter(due_date__gt=today, due_date__lte=week_end)
    if group == "later":
        return dated.filter(due_date__gt=week_end)
    raise ValueError(f"unknown group {group!r} (one of {', '.join(GROUPS)})")


def todo_counts(*, organisation: str, now: dt.datetime) -> dict[str, int]:
    """How many duties are in each group: one count per group, each read from its group's
    index alone (an aggregate over all of them would visit every row of the table)."""
    today = local_date(now)
    counts = [_group(organisation, group, today).order_by().annotate(group=Value(group))
              .values("group").annotate(n=Count("*")).values_list("group", "n")
              for group in GROUPS]
    found = dict(counts[0].union(*counts[1:], all=True))  # one statement, one round trip
    return {group: int(found.get(group, 0)) for group in GROUPS}


def duties_in_group(*, organisation: str, now: dt.datetime, group: str, offset: int = 0,
                    limit: int = 50) -> list[Duty]:
    """One page of one group of "My duties"."""
    return list(_todo(organisation, group, local_date(now))[offset:offset + limit])


def duties_to_do(*, organisation: str, now: dt.datetime, limit: int = 10) -> Workload:
    """What an organisation still owes: breached and not yet done, then open by due date;
    the first LIMIT of each group, and how many each group holds."""
    today = local_date(now)
    counts = todo_counts(organisation=organisation, now=now)
    lists = {g: list(_todo(organisation, g, today)[:limit]) if counts[g] else []
             for g in GROUPS}
    return Workload(overdue=lists["overdue"], due_today=lists["today"],
                    due_this_week=lists["week"], later=lists["later"],
                    undated=lists["undated"], counts=counts)


def team_summary(*, organisation: str) -> list[dict]:
    """Per entitlement: duties owed by the organisation, by status (the supervisor's view)."""
    rows = (Duty.objects.filter(provider_id=organisation)
            .values("entitlement")
            .annotate(total=Count("id"),
                      open=Count("id", filter=Q(status="open")),
                      breached=Count("id", filter=Q(status="breached")),
                      met=Count("id", filter=Q(status="met")),
                      late=Count("id", filter=Q(status="late")))
            .order_by("-breached", "entitlement"))
    return list(rows)
