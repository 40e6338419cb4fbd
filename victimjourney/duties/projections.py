"""The second half of importing a chunk: store what the engine made of each case it touched.

A case's victims, category history and duties are a projection of its events. Cases new to
the database are written by COPY (PostgreSQL; ids taken from the sequences first) or
bulk_create (SQLite). Cases already stored are refreshed set-based, a few statements for the
whole chunk: victims upserted by (case, key), category history replaced, duties upserted by
their natural key (trigger event, victim, entitlement) so that a duty keeps its id, and
stale duties removed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from django.db import connection

from victimjourney.cases.models import CaseOrganisation
from victimjourney.core.bulk import copy_rows, ids_allocate, index_lookups, is_postgres, json_text
from victimjourney.duties.engine import CaseEvaluation, DutyResult
from victimjourney.duties.loading import rows_in
from victimjourney.duties.models import Duty
from victimjourney.journey.feed import JourneyEvent
from victimjourney.victims.categories import in_force
from victimjourney.victims.models import CategoryRecord, Victim

CATEGORY_COLUMNS = ("victim_id", "category", "state", "reason", "source", "confirmed_by",
                    "effective_at", "event_id")
DUTY_COLUMNS = (
    "case_id", "victim_id", "trigger_event_id", "trigger_type", "triggered_at", "entitlement",
    "edition", "provider_id", "enhanced", "basis", "due_date", "due_at", "deadline_text",
    "status", "fulfilled_by_id", "fulfilled_at", "reason", "unverified", "evaluated_at",
)
# Compared to decide whether a stored duty changed (not when it was last evaluated).
DUTY_COMPARED = DUTY_COLUMNS[:-1]
DUTY_TYPES = {
    "case_id": "bigint", "victim_id": "bigint", "trigger_event_id": "text",
    "trigger_type": "text", "triggered_at": "timestamptz", "entitlement": "text",
    "edition": "text", "provider_id": "text", "enhanced": "boolean", "basis": "text",
    "due_date": "date", "due_at": "timestamptz", "deadline_text": "text", "status": "text",
    "fulfilled_by_id": "text", "fulfilled_at": "timestamptz", "reason": "text",
    "unverified": "boolean", "evaluated_at": "timestamptz",
}
VICTIM_FIELDS = ("kind", "name", "date_of_birth", "on_behalf_of", "language", "contact",
                 "identified_at", "enhanced_now")
VICTIM_TYPES = {"kind": "text", "name": "text", "date_of_birth": "date",
                "on_behalf_of": "text", "language": "text", "contact": "text",
                "identified_at": "timestamptz", "enhanced_now": "boolean"}
PREFERENCE_FIELDS = ("channel", "contact_times", "safe_contact", "email", "phone")
Items = Sequence[tuple[int, CaseEvaluation]]


def victim_fields(evaluation: CaseEvaluation, key: str, now: dt.datetime) -> dict:
    """The victim's record as the events say: details from `victim.identified`, then the
    victim's own changes (`victim.preferences_updated`), latest last."""
    facts = evaluation.victims[key]
    contact: dict = {}
    language = facts.language
    for ev in evaluation.events:
        if ev.victim != key:
            continue
        if ev.type == "victim.identified" and ev.data.get("contact"):
            contact = {**contact, **ev.data["contact"]}
        elif ev.type == "victim.preferences_updated":
            contact.update({k: ev.data[k] for k in PREFERENCE_FIELDS if ev.data.get(k)})
            language = ev.data.get("language") or language
    return dict(kind=facts.kind, name=facts.name, date_of_birth=facts.date_of_birth,
                on_behalf_of=facts.on_behalf_of or "", language=language,
                contact=contact, identified_at=facts.identified_at,
                enhanced_now=bool(in_force(evaluation.categories.get(key, []), now)))


def _category_rows(victim_id: int, evaluation: CaseEvaluation, key: str) -> list[tuple]:
    return [(victim_id, c.category, c.state, c.reason, c.source, c.confirmed_by, c.at,
             c.event_id)
            for c in sorted(evaluation.categories.get(key, []), key=lambda c: (c.at, c.rank))]


def duty_row(case_id: int, victim_id: int, d: DutyResult, now: dt.datetime) -> tuple:
    return (case_id, victim_id, d.trigger_event, d.trigger_type, d.triggered_at, d.entitlement,
            d.edition, d.provider, d.enhanced, d.basis, d.due_date, d.due_at, d.deadline_text,
            d.status, d.fulfilled_by, d.fulfilled_at, d.reason, d.unverified, now)


def _categories_insert(rows: list[tuple]) -> None:
    if is_postgres():
        copy_rows(CategoryRecord._meta.db_table, CATEGORY_COLUMNS, rows)
        return
    CategoryRecord.objects.bulk_create(
        [CategoryRecord(**dict(zip(CATEGORY_COLUMNS, row, strict=True))) for row in rows],
        batch_size=2000)


def duties_insert(rows: list[tuple]) -> None:
    if is_postgres():
        copy_rows(Duty._meta.db_table, DUTY_COLUMNS, rows)
        return
    Duty.objects.bulk_create([Duty(**dict(zip(DUTY_COLUMNS, row, strict=True))) for row in rows],
                             batch_size=1000)


def _sealed_contact(contact: dict) -> str:
    """`Victim.contact` as the database keeps it (encrypted: `core.fields`), for writes that
    bypass the model field."""
    return Victim._meta.get_field("contact").get_db_prep_value(contact, connection)


def _victims_insert(rows: list[tuple[int, str, dict]], new_ids: Iterator[int] | None
                    ) -> dict[tuple[int, str], int]:
    """Insert victims (case id, key, fields); returns their ids by (case id, key). NEW_IDS:
    ids taken from the sequence beforehand (PostgreSQL), enough for ROWS."""
    if not rows:
        return {}
    if is_postgres():
        ids = ([next(new_ids) for _ in rows] if new_ids is not None
               else ids_allocate(Victim._meta.db_table, len(rows)))
        copy_rows(Victim._meta.db_table, ("id", "case_id", "key", *VICTIM_FIELDS),
                  ((pk, case_id, key, *(_sealed_contact(fields[name]) if name == "contact"
                                        else fields[name] for name in VICTIM_FIELDS))
                   for pk, (case_id, key, fields) in zip(ids, rows, strict=True)))
        return {(case_id, key): pk for pk, (case_id, key, _) in zip(ids, rows, strict=True)}
    objs = [Victim(case_id=case_id, key=key, **fields) for case_id, key, fields in rows]
    Victim.objects.bulk_create(objs, batch_size=2000)
    return {(v.case_id, v.key): v.pk for v in objs}


def projections_create(items: Items, now: dt.datetime, new_ids: Iterator[int] | None = None
                       ) -> int:
    """Victims, category history and duties of cases new to the database. Returns the number
    of duties written. NEW_IDS: victim ids taken beforehand (see `victim_ids_needed`)."""
    if not items:
        return 0
    ids = _victims_insert([(case_id, key, victim_fields(evaluation, key, now))
                           for case_id, evaluation in items
                           for key in sorted(evaluation.victims)], new_ids)
    _categories_insert([row for case_id, evaluation in items for key in evaluation.victims
                        for row in _category_rows(ids[(case_id, key)], evaluation, key)])
    rows = [duty_row(case_id, ids[(case_id, d.victim)], d, now)
            for case_id, evaluation in items for d in evaluation.duties]
    duties_insert(rows)
    return len(rows)


def _update_from_json(table: str, types: dict[str, str], rows: list[dict]) -> None:
    """UPDATE TABLE from ROWS (dicts with `id` and the columns of TYPES), one statement."""
    if not rows:
        return
    names = list(types)
    record = ", ".join(["id bigint", *(f"{name} {types[name]}" for name in names)])
    assign = ", ".join(f"{name} = x.{name}" for name in names)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} AS t SET {assign} "  # noqa: S608
                       f"FROM jsonb_to_recordset(%s::jsonb) AS x({record}) WHERE t.id = x.id",
                       [json_text(rows)])


def _delete_ids(table: str, column: str, ids: Sequence[int]) -> None:
    if ids:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s::bigint[])",  # noqa: S608
                           [list(ids)])


def projections_refresh(items: Items, now: dt.datetime, new_ids: Iterator[int] | None = None
                        ) -> int:
    """Re-project cases already stored: victims updated in place, duties upserted by their
    natural key (trigger, victim, entitlement) so a duty keeps its id, stale duties removed.
    Returns the number of duties created, changed or removed."""
    if not items:
        return 0
    if not is_postgres():
        return sum(_refresh_orm(case_id, evaluation, now) for case_id, evaluation in items)
    with index_lookups():
        return _refresh_set_based(items, now, new_ids)


def _refresh_set_based(items: Items, now: dt.datetime, new_ids: Iterator[int] | None) -> int:
    case_ids = sorted(case_id for case_id, _ in items)
    victim_ids = {(case_id, key): pk for pk, case_id, key in rows_in(
        Victim, "case_id", case_ids, ("id", "case_id", "key"))}
    fresh, changed = [], []
    for case_id, evaluation in items:
        for key in sorted(evaluation.victims):
            fields = victim_fields(evaluation, key, now)
            pk = victim_ids.get((case_id, key))
            if pk is None:
                fresh.append((case_id, key, fields))
            else:
                changed.append({"id": pk, **fields,
                                "contact": _sealed_contact(fields["contact"])})
    # Every victim of the case is written again (a sealed value differs each time it is
    # sealed, so there is nothing to compare), as the ORM path does.
    _update_from_json(Victim._meta.db_table, VICTIM_TYPES, changed)
    victim_ids.update(_victims_insert(fresh, new_ids))
    _delete_ids(CategoryRecord._meta.db_table, "victim_id", sorted(set(victim_ids.values())))
    _categories_insert([row for case_id, evaluation in items for key in evaluation.victims
                        for row in _category_rows(victim_ids[(case_id, key)], evaluation,
                                                  key)])
    current = {(row[3], row[2], row[6]): row for row in rows_in(
        Duty, "case_id", case_ids, ("id", *DUTY_COMPARED))}
    keep: set[int] = set()
    new_rows, updates = [], []
    for case_id, evaluation in items:
        for result in evaluation.duties:
            row = duty_row(case_id, victim_ids[(case_id, result.victim)], result, now)
            stored = current.get((row[2], row[1], row[5]))
            if stored is None:
                new_rows.append(row)
                continue
            keep.add(stored[0])
            if stored[1:] != row[:-1]:
                updates.append({"id": stored[0], **dict(zip(DUTY_COLUMNS, row, strict=True))})
    stale = [row[0] for row in current.values() if row[0] not in keep]
    _delete_ids(Duty._meta.db_table, "id", stale)
    _update_from_json(Duty._meta.db_table, DUTY_TYPES, updates)
    duties_insert(new_rows)
    return len(new_rows) + len(updates) + len(stale)


def _refresh_orm(case_id: int, evaluation: CaseEvaluation, now: dt.datetime) -> int:
    """`projections_refresh` of one case through the ORM (SQLite)."""
    existing = {v.key: v for v in Victim.objects.filter(case_id=case_id)}
    for key in sorted(evaluation.victims):
        fields = victim_fields(evaluation, key, now)
        if key in existing:
            Victim.objects.filter(pk=existing[key].pk).update(**fields)
        else:
            existing[key] = Victim.objects.create(case_id=case_id, key=key, **fields)
    victim_ids = {key: v.pk for key, v in existing.items()}
    CategoryRecord.objects.filter(victim__case_id=case_id).delete()
    _categories_insert([row for key in evaluation.victims
                        for row in _category_rows(victim_ids[key], evaluation, key)])
    current = {(d.trigger_event_id, d.victim_id, d.entitlement): d
               for d in Duty.objects.filter(case_id=case_id)}
    fresh_keys = set()
    to_create = []
    to_update = []
    for result in evaluation.duties:
        row = dict(zip(DUTY_COLUMNS, duty_row(case_id, victim_ids[result.victim], result, now),
                       strict=True))
        natural = (result.trigger_event, victim_ids[result.victim], result.entitlement)
        fresh_keys.add(natural)
        if natural in current:
            duty = current[natural]
            if any(getattr(duty, name) != row[name] for name in DUTY_COMPARED):
                for name, value in row.items():
                    setattr(duty, name, value)
                to_update.append(duty)
        else:
            to_create.append(Duty(**row))
    stale = [d.pk for natural, d in current.items() if natural not in fresh_keys]
    if stale:
        Duty.objects.filter(pk__in=stale).delete()
    Duty.objects.bulk_create(to_create)
    if to_update:
        names = [c.removesuffix("_id") if c.endswith("_id") else c for c in DUTY_COLUMNS
                 if c not in ("case_id", "victim_id", "trigger_event_id", "entitlement")]
        Duty.objects.bulk_update(to_update, names)
    return len(to_create) + len(to_update) + len(stale)


def victim_ids_needed(fresh: Sequence[JourneyEvent]) -> int:
    """At most how many victims a chunk's evaluation can add: one per victim identified."""
    return len({(e.case, e.victim) for e in fresh if e.type == "victim.identified"})


def case_organisations_write(items: Items, *, fresh_cases: bool) -> None:
    """Record which organisations are involved in each case (for access scoping)."""
    rows = sorted({(case_id, code) for case_id, evaluation in items
                   for code in ({e.provider for e in evaluation.events}
                                | {d.provider for d in evaluation.duties})
                   if code != "victim"})
    if not rows:
        return
    if is_postgres():
        if fresh_cases:
            copy_rows(CaseOrganisation._meta.db_table, ("case_id", "organisation_id"), rows)
            return
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {CaseOrganisation._meta.db_table} (case_id, organisation_id) "  # noqa: S608
                "SELECT (r->>0)::bigint, r->>1 FROM jsonb_array_elements(%s::jsonb) AS r "
                "ON CONFLICT DO NOTHING", [json_text(rows)])
        return
    CaseOrganisation.objects.bulk_create(
        [CaseOrganisation(case_id=case_id, organisation_id=code) for case_id, code in rows],
        ignore_conflicts=True, batch_size=2000)
