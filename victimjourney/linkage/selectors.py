"""Reads of linkage, permission-checked: a record, link or proposal the user may not see looks
exactly like one that does not exist (`access_*`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from victimjourney.accounts.permissions import permitted
from victimjourney.cases.models import Case
from victimjourney.cases.selectors import cases_visible, staff_of
from victimjourney.core import clock
from victimjourney.core.errors import NotFound
from victimjourney.journey.models import Event
from victimjourney.linkage import splinkmodel
from victimjourney.linkage.models import CandidateLink, CategoryProposal, LinkRecord
from victimjourney.linkage.permissions import may
from victimjourney.victims.categories import CategoryChange, in_force
from victimjourney.victims.models import CategoryRecord


def visible_case_ids(user: Any, case_ids: Iterable[int]) -> set[int]:
    ids = set(case_ids)
    if not ids:
        return set()
    return set(cases_visible(user).filter(pk__in=ids).values_list("pk", flat=True))


def access_record(user: Any, record_id: int) -> LinkRecord:
    """The record, if USER may see its case; otherwise NotFound, as for a missing record."""
    record = LinkRecord.objects.select_related("case", "victim").filter(pk=record_id).first()
    if record is None or not visible_case_ids(user, [record.case_id]):
        raise NotFound("no such record")
    return record


def _links_visible(user: Any) -> QuerySet[CandidateLink]:
    staff = staff_of(user)
    links = CandidateLink.objects.select_related(
        "left__case__force", "right__case__force", "left__victim", "right__victim", "model")
    if permitted(staff.role, "none", "linkage_record", "review"):
        return links
    visible = cases_visible(user).values("pk")
    return links.filter(Q(left__case__in=visible) | Q(right__case__in=visible))


def review_queue(user: Any, *, status: str = "proposed", limit: int = 100
                 ) -> list[CandidateLink]:
    """Candidate links touching a case the user may see, most probable first."""
    return list(_links_visible(user).filter(status=status)
                .order_by("-match_probability", "id")[:limit])


def access_link(user: Any, pk: int) -> CandidateLink:
    link = _links_visible(user).filter(pk=pk).first()
    if link is None:
        raise NotFound("no such link")
    return link


def link_comparison(link: CandidateLink) -> list[dict[str, Any]]:
    return splinkmodel.explain(link.model.settings, link.gammas, link.weights)


def person_record_ids(record_id: int) -> set[int]:
    """The records confirmed to be the same person as RECORD_ID (itself included): the
    connected component of confirmed links."""
    seen = {record_id}
    frontier = {record_id}
    while frontier:
        pairs = CandidateLink.objects.filter(status="confirmed").filter(
            Q(left_id__in=frontier) | Q(right_id__in=frontier)).values_list("left_id",
                                                                             "right_id")
        found = {pk for pair in pairs for pk in pair} - seen
        seen |= found
        frontier = found
    return seen


def group_matches(record_ids: list[int]) -> list[set[int]]:
    """Matched records as people, in the order of their best match: each match with the
    records confirmed to be the same person, and matches joined where the model links them
    too (a link nobody rejected)."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            x = parent[x]
        return x

    people = {pk: person_record_ids(pk) for pk in record_ids}
    for pk, ids in people.items():
        for other in ids:
            parent[root(other)] = root(pk)
    joined = CandidateLink.objects.filter(left_id__in=record_ids, right_id__in=record_ids
                                          ).exclude(status="rejected")
    for left, right in joined.values_list("left_id", "right_id"):
        parent[root(left)] = root(right)
    groups: dict[int, set[int]] = {}
    for pk in record_ids:
        groups.setdefault(root(pk), set()).update(people[pk])
    return list(groups.values())


def proposals_visible(user: Any, *, status: str = "proposed") -> list[CategoryProposal]:
    staff = staff_of(user)
    proposals = CategoryProposal.objects.filter(status=status).select_related(
        "record__case__force", "record__victim")
    if not permitted(staff.role, "none", "linkage_record", "categorise"):
        proposals = proposals.filter(record__case__in=cases_visible(user).values("pk"))
    return list(proposals[:200])


def access_proposal(user: Any, pk: int) -> CategoryProposal:
    proposal = CategoryProposal.objects.select_related("record__case__force",
                                                       "record__victim").filter(pk=pk).first()
    if proposal is None or not visible_case_ids(user, [proposal.record.case_id]):
        raise NotFound("no such proposal")
    return proposal


@dataclass
class Report:
    """One earlier report of a person, as much as the user may see of it."""

    record_id: int
    reported_at: dt.datetime | None
    force: str = ""
    offence: str = ""
    reference: str = ""  # only when the user may open the case
    victim_key: str = ""
    risk: list[tuple[dt.datetime, str]] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    probability: float | None = None  # matched at first contact; None: a confirmed link
    comparison: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class History:
    """What the user may know of a person's reports: those they may see, and how many more
    there are that they may not."""

    reports: list[Report] = field(default_factory=list)
    hidden: int = 0

    @property
    def total(self) -> int:
        return len(self.reports) + self.hidden

    @property
    def last(self) -> dt.datetime | None:
        dates = [r.reported_at for r in self.reports if r.reported_at]
        return max(dates) if dates else None


def history(user: Any, record_ids: Iterable[int], *,
            matched: dict[int, tuple[float, list[dict[str, Any]]]] | None = None) -> History:
    """The reports behind RECORD_IDS, newest first: in full on cases the user may see; date,
    force, offence and risk for the others if their role must safeguard at first contact
    (`see_elsewhere`); otherwise only counted."""
    staff = staff_of(user)
    matched = matched or {}
    records = list(LinkRecord.objects.filter(pk__in=set(record_ids)).select_related(
        "case__force", "victim").order_by("-case__reported_at", "-pk"))
    visible = visible_case_ids(user, [r.case_id for r in records])
    see_elsewhere = may(staff.role, "see_elsewhere")
    shown = [r for r in records if r.case_id in visible or see_elsewhere]
    risk = _risk_assessments(shown)
    categories = _categories_in_force(shown)
    out = History(hidden=len(records) - len(shown))
    for record in shown:
        case: Case = record.case
        force = case.force.name if case.force else ""
        probability, comparison = matched.get(record.pk, (None, []))
        out.reports.append(Report(
            record_id=record.pk, reported_at=case.reported_at, force=force,
            offence=case.offence,
            reference=case.reference if record.case_id in visible else "",
            victim_key=record.victim.key if record.case_id in visible else "",
            risk=risk.get(record.pk, []), categories=categories.get(record.pk, []),
            probability=probability, comparison=comparison))
    return out


def _risk_assessments(records: list[LinkRecord]) -> dict[int, list[tuple[dt.datetime, str]]]:
    by_case = {r.case_id: r for r in records}
    out: dict[int, list[tuple[dt.datetime, str]]] = defaultdict(list)
    events = Event.objects.filter(case_id__in=by_case, type="risk_assessment.completed"
                                  ).order_by("occurred_at").values_list(
        "case_id", "victim_key", "occurred_at", "data")
    for case_id, victim_key, occurred_at, data in events:
        record = by_case[case_id]
        if victim_key and victim_key != record.victim.key:
            continue
        out[record.pk].append((occurred_at, str((data or {}).get("level") or "recorded")))
    return out


def _categories_in_force(records: list[LinkRecord]) -> dict[int, list[str]]:
    by_victim = {r.victim_id: r.pk for r in records}
    changes: dict[int, list[CategoryChange]] = defaultdict(list)
    for row in CategoryRecord.objects.filter(victim_id__in=by_victim):
        changes[by_victim[row.victim_id]].append(CategoryChange(
            at=row.effective_at, category=row.category, state=row.state, reason=row.reason,
            source=row.source, event_id=row.event_id, rank=1 if row.source == "recorded" else 0))
    now = clock.now()
    return {pk: sorted(in_force(items, now)) for pk, items in changes.items()}
