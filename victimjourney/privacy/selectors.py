"""Reads for retention: which cases are due, and why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence

from django.db.models import Max

from victimjourney.cases.models import Case
from victimjourney.journey.models import Event
from victimjourney.privacy.models import CaseRetention
from victimjourney.privacy.schedules import CaseDue, CaseFacts, Schedule, case_due
from victimjourney.victims.models import Victim


def case_facts(case_ids: Sequence[int]) -> list[CaseFacts]:
    """What the due date of each case depends on (a few grouped queries for a chunk)."""
    ids = list(case_ids)
    refs = dict(Case.objects.filter(pk__in=ids).values_list("pk", "reference"))
    last = {row["case_id"]: row for row in Event.objects.filter(case_id__in=ids)
            .values("case_id").annotate(last=Max("occurred_at"), recorded=Max("recorded_at"))
            .order_by()}
    crimes: dict[int, dict] = {}
    for case_id, data in (Event.objects.filter(case_id__in=ids, type="crime.reported")
                          .order_by("case_id", "occurred_at", "id")
                          .values_list("case_id", "data")):
        crimes.setdefault(case_id, data or {})
    sentences: dict[int, list[tuple[dt.datetime, int]]] = {}
    for case_id, at, data in (Event.objects.filter(case_id__in=ids, type="sentence.passed")
                              .values_list("case_id", "occurred_at", "data")):
        months = (data or {}).get("custodial_months")
        sentences.setdefault(case_id, []).append((at, months if isinstance(months, int) else 0))
    youngest = dict(Victim.objects.filter(case_id__in=ids, date_of_birth__isnull=False)
                    .values("case_id").annotate(born=Max("date_of_birth")).order_by()
                    .values_list("case_id", "born"))
    return [
        CaseFacts(case_id=case_id, reference=refs[case_id],
                  last_event_at=last[case_id]["last"] if case_id in last else None,
                  last_recorded_at=last[case_id]["recorded"] if case_id in last else None,
                  crime=crimes.get(case_id), sentences=tuple(sentences.get(case_id, ())),
                  youngest_birth=youngest.get(case_id))
        for case_id in ids if case_id in refs
    ]


def case_id_chunks(size: int) -> Iterator[list[int]]:
    """Every case id, in order, SIZE at a time."""
    after = 0
    while True:
        ids = list(Case.objects.filter(pk__gt=after).order_by("pk")
                   .values_list("pk", flat=True)[:size])
        if not ids:
            return
        yield ids
        after = ids[-1]


def cases_due(case_ids: Sequence[int], *, as_of: dt.datetime,
              schedules: Mapping[str, Schedule]) -> list[tuple[CaseFacts, CaseDue]]:
    """The cases among CASE_IDS whose journey records are due by AS_OF and not yet anonymised
    (or that received events after they were)."""
    facts = case_facts(case_ids)
    done = dict(CaseRetention.objects.filter(case_id__in=[f.case_id for f in facts])
                .values_list("case_id", "applied_at"))
    out = []
    for fact in facts:
        due = case_due(fact, schedules)
        if due is None or due.due_at > as_of:
            continue
        applied = done.get(fact.case_id)
        if applied is not None and fact.last_recorded_at is not None \
                and applied >= fact.last_recorded_at:
            continue
        out.append((fact, due))
    return out
