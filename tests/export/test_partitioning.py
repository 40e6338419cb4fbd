"""The production layout of docs/SCALING.md: journey events and duties partitioned by month on
PostgreSQL, event-id idempotency kept by an id registry, the append-only trigger on every
partition. The DDL is docs/sql/partitioned.sql, run here in a schema of its own."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError, IntegrityError

from victimjourney.cases.models import Case
from victimjourney.victims.models import Victim

ROOT = Path(__file__).resolve().parents[2]
DDL = ROOT / "docs" / "sql" / "partitioned.sql"
SCHEMA = "vj_partitioned"


def test_scaling_md_shows_the_ddl_the_test_runs():
    doc = (ROOT / "docs" / "SCALING.md").read_text()
    block = re.search(r"<!-- partitioned.sql -->\n```sql\n(.*?)```\n<!-- /partitioned.sql -->",
                      doc, re.S)
    assert block, "docs/SCALING.md quotes docs/sql/partitioned.sql between its markers"
    assert block.group(1) == DDL.read_text()


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.fixture
def partitioned(db):
    case = Case.objects.create(reference="PART/1", force_id="police:kent")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {SCHEMA}")
        cursor.execute(f"SET LOCAL search_path TO {SCHEMA}, public")
        cursor.execute(DDL.read_text())
        cursor.execute("SELECT journey_partitions_ensure('2024-01-01', 3)")
        yield cursor, case.pk


def _insert(cursor, case_id: int, eid: str, occurred: str) -> None:
    cursor.execute("INSERT INTO journey_event_id (id, occurred_at) VALUES (%s, %s)",
                   [eid, _utc(occurred)])
    cursor.execute(
        "INSERT INTO journey_event (id, type, case_id, victim_key, provider_id, occurred_at, "
        "received_at, data, digest, recorded_at) "
        "VALUES (%s, 'crime.reported', %s, '', 'police:kent', %s, %s, '{}', 'd', now())",
        [eid, case_id, _utc(occurred), _utc(occurred)])


def _partitions_scanned(cursor, where: str) -> set[str]:
    cursor.execute(f"EXPLAIN (COSTS OFF) SELECT count(*) FROM journey_event WHERE {where}")
    plan = "\n".join(row[0] for row in cursor.fetchall())
    return set(re.findall(r"journey_event_(\d{4}_\d{2}|default)", plan))


@pytest.mark.postgres
@pytest.mark.django_db
def test_events_land_in_their_month_and_queries_by_month_prune(partitioned):
    cursor, case_id = partitioned
    for eid, occurred in (("E-JAN", "2024-01-15 10:00"), ("E-FEB-1", "2024-02-01 00:00"),
                          ("E-FEB-2", "2024-02-29 23:59"), ("E-MAR", "2024-03-31 23:00"),
                          ("E-2030", "2030-06-01 12:00")):
        _insert(cursor, case_id, eid, occurred)
    cursor.execute("SELECT tableoid::regclass::text, id FROM journey_event ORDER BY id")
    placed = {eid: table.split(".")[-1] for table, eid in cursor.fetchall()}
    assert placed == {"E-JAN": "journey_event_2024_01", "E-FEB-1": "journey_event_2024_02",
                      "E-FEB-2": "journey_event_2024_02", "E-MAR": "journey_event_2024_03",
                      "E-2030": "journey_event_default"}

    february = "occurred_at >= '2024-02-01 00:00+00' AND occurred_at < '2024-03-01 00:00+00'"
    assert _partitions_scanned(cursor, february) == {"2024_02"}
    assert _partitions_scanned(cursor, "occurred_at >= '2024-03-01 00:00+00'") == {
        "2024_03", "default"}
    assert _partitions_scanned(cursor, "true") == {"2024_01", "2024_02", "2024_03", "default"}
    cursor.execute(f"SELECT count(*) FROM journey_event WHERE {february}")
    assert cursor.fetchone()[0] == 2


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_id_registry_keeps_event_ids_unique_across_partitions(partitioned):
    cursor, case_id = partitioned
    _insert(cursor, case_id, "E-1", "2024-01-15 10:00")
    # The same id in another month: the partitioned table alone would take it (its key is
    # (id, occurred_at)); the registry refuses it.
    with pytest.raises(IntegrityError, match="journey_event_id_pkey"), transaction.atomic():
        _insert(cursor, case_id, "E-1", "2024-02-15 10:00")
    # An event whose registry row says another month is refused too (checked at commit:
    # the foreign key is deferred so that the two inserts can come in either order).
    with pytest.raises(IntegrityError), transaction.atomic():
        cursor.execute("INSERT INTO journey_event_id (id, occurred_at) VALUES ('E-2', %s)",
                       [_utc("2024-01-20 10:00")])
        cursor.execute(
            "INSERT INTO journey_event (id, type, case_id, victim_key, provider_id, "
            "occurred_at, received_at, data, digest, recorded_at) VALUES ('E-2', 'x', %s, '', "
            "'police:kent', %s, %s, '{}', 'd', now())",
            [case_id, _utc("2024-02-20 10:00"), _utc("2024-02-20 10:00")])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    # How the importer keeps "an id already stored is a no-op": register, and treat the ids
    # that were not new as repeats (their content is then compared, as today).
    cursor.execute("INSERT INTO journey_event_id (id, occurred_at) VALUES ('E-1', %s), "
                   "('E-3', %s) ON CONFLICT (id) DO NOTHING RETURNING id",
                   [_utc("2024-01-15 10:00"), _utc("2024-03-02 10:00")])
    assert [row[0] for row in cursor.fetchall()] == ["E-3"]
    cursor.execute("SELECT e.digest FROM journey_event_id r JOIN journey_event e "
                   "USING (id, occurred_at) WHERE r.id = 'E-1'")
    assert cursor.fetchall() == [("d",)]


@pytest.mark.postgres
@pytest.mark.django_db
def test_events_stay_append_only_on_every_partition(partitioned):
    cursor, case_id = partitioned
    _insert(cursor, case_id, "E-1", "2024-01-15 10:00")
    for statement in ("UPDATE journey_event SET type = 'x' WHERE id = 'E-1'",
                      "UPDATE journey_event_2024_01 SET type = 'x' WHERE id = 'E-1'",
                      "DELETE FROM journey_event WHERE id = 'E-1'",
                      "UPDATE journey_event_id SET occurred_at = now() WHERE id = 'E-1'"):
        with pytest.raises(DatabaseError, match=r"append-only|never changed"), \
                transaction.atomic():
            cursor.execute(statement)
    # A partition created later carries the trigger too.
    cursor.execute("SELECT journey_partitions_ensure('2024-04-01', 1)")
    _insert(cursor, case_id, "E-APR", "2024-04-10 10:00")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        cursor.execute("DELETE FROM journey_event_2024_04")


@pytest.mark.postgres
@pytest.mark.django_db
def test_duties_are_partitioned_by_the_month_they_were_triggered(partitioned):
    cursor, case_id = partitioned
    victim = Victim.objects.create(case_id=case_id, key="V1", kind="person",
                                   identified_at=_utc("2024-01-31 23:30"))
    _insert(cursor, case_id, "E-1", "2024-01-31 23:30")
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    duty = ("INSERT INTO duties_duty (case_id, victim_id, trigger_event_id, trigger_type, "
            "triggered_at, entitlement, edition, provider_id, enhanced, basis, deadline_text, "
            "status, reason, unverified, evaluated_at) VALUES (%s, %s, 'E-1', 'crime.reported', "
            "%s, 'needs_assessment', '2020', 'police:kent', false, '', '', 'open', '', false, "
            "now()) RETURNING tableoid::regclass::text")
    cursor.execute(duty, [case_id, victim.pk, _utc("2024-01-31 23:30")])
    assert cursor.fetchone()[0].endswith("duties_duty_2024_01")
    natural_key = r"\(trigger_event_id, victim_id, entitlement, triggered_at\)"
    with pytest.raises(IntegrityError, match=natural_key), transaction.atomic():
        cursor.execute(duty, [case_id, victim.pk, _utc("2024-01-31 23:30")])
    # The keys to the case and the victim are checked, as in the unpartitioned table.
    with pytest.raises(IntegrityError, match="duties_duty_victim_id_fkey"), transaction.atomic():
        cursor.execute(duty, [case_id, victim.pk + 1000, _utc("2024-01-15 10:00")])
    # A duty's status changes in place (duties are not append-only).
    cursor.execute("UPDATE duties_duty SET status = 'met' WHERE trigger_event_id = 'E-1'")
    assert cursor.rowcount == 1
    # A corrected trigger instant moves the duty to its new month within the UPDATE.
    cursor.execute("UPDATE duties_duty SET triggered_at = %s WHERE trigger_event_id = 'E-1' "
                   "RETURNING tableoid::regclass::text", [_utc("2024-02-01 00:30")])
    assert cursor.fetchone()[0].endswith("duties_duty_2024_02")
