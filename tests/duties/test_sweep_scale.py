"""The overdue sweep: one set-based UPDATE that reads only the overdue open duties, through the
partial index on open duties by deadline, so its cost follows what is overdue, not how many
duties are open (bench/sweep.py times it over a million)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from victimjourney.cases.models import Case
from victimjourney.duties.models import Duty
from victimjourney.duties.services import duties_sweep
from victimjourney.victims.models import Victim

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)


def duties(count: int, *, overdue_every: int) -> dict[str, set[int]]:
    """COUNT duties: every OVERDUE_EVERY-th open one past due, every 7th without a deadline,
    every 5th closed (met, late or breached, some past due). Returns the ids by expected
    status after a sweep at NOW."""
    case = Case.objects.create(reference="SWEEP/1", force_id="police:kent")
    victim = Victim.objects.create(case=case, key="V1", kind="person", identified_at=NOW)
    rows, kinds = [], []
    for n in range(count):
        if n % 5 == 4:
            status, due, kind = ("met", "late", "breached")[n % 3], NOW - dt.timedelta(days=3), \
                "closed"
        elif n % 7 == 6:
            status, due, kind = "open", None, "no deadline"
        elif n % overdue_every == 0:
            status, due, kind = "open", NOW - dt.timedelta(hours=1 + n % 40), "overdue"
        else:
            status, due, kind = "open", NOW + dt.timedelta(minutes=1 + n % 90_000), "not due"
        if n % 97 == 0 and kind == "overdue":
            due = NOW  # due at the very instant of the sweep: overdue
        rows.append(Duty(case=case, victim=victim, trigger_event_id=f"T{n}",
                         trigger_type="suspect.charged", triggered_at=NOW, entitlement="right_5",
                         edition="2020", provider_id="police:kent", enhanced=False, basis="",
                         due_date=due.date() if due else None, due_at=due,
                         deadline_text="", status=status, evaluated_at=NOW))
        kinds.append(kind)
    created = Duty.objects.bulk_create(rows, batch_size=2000)
    out: dict[str, set[int]] = {}
    for duty, kind in zip(created, kinds, strict=True):
        out.setdefault(kind, set()).add(duty.pk)
    return out


def statuses(ids: set[int]) -> set[str]:
    return set(Duty.objects.filter(pk__in=ids).values_list("status", flat=True))


def test_the_sweep_marks_exactly_the_overdue_open_duties_once():
    made = duties(3000, overdue_every=9)
    closed_before = dict(Duty.objects.filter(pk__in=made["closed"]).values_list("pk", "status"))
    marked = duties_sweep(now=NOW)
    assert marked == len(made["overdue"])
    assert statuses(made["overdue"]) == {"breached"}
    assert set(Duty.objects.filter(pk__in=made["overdue"]).values_list("evaluated_at",
                                                                       flat=True)) == {NOW}
    assert statuses(made["not due"] | made["no deadline"]) == {"open"}
    assert dict(Duty.objects.filter(pk__in=made["closed"]).values_list("pk", "status")) == \
        closed_before
    assert duties_sweep(now=NOW) == 0


def test_the_sweep_command_reports_the_duties_it_marked(capsys):
    made = duties(200, overdue_every=4)
    call_command("sweep", "--now", NOW.isoformat())
    assert capsys.readouterr().out == f"{len(made['overdue'])} duties marked breached.\n"


@pytest.mark.postgres
def test_the_sweep_reads_only_overdue_duties_through_the_partial_index():
    made = duties(15_000, overdue_every=50)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE duties_duty")
    with transaction.atomic():
        savepoint = transaction.savepoint()
        with CaptureQueriesContext(connection) as captured:
            marked = duties_sweep(now=NOW)
        transaction.savepoint_rollback(savepoint)
        (statement,) = [q["sql"] for q in captured.captured_queries
                        if q["sql"].startswith("UPDATE")]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement.replace("%", "%%"))
            (plan,) = cursor.fetchone()
        transaction.set_rollback(True)
    scans = list(_nodes(plan[0]["Plan"]))
    assert [n.get("Index Name") for n in scans if "Index" in n["Node Type"]] == [
        "duty_open_by_due"]
    assert not [n for n in scans if n["Node Type"] == "Seq Scan"]
    # Entries read from the index: the overdue ones (and any dead ones earlier tests left in
    # this database), not the other 10,000 open duties.
    index_scan = next(n for n in scans if n.get("Index Name") == "duty_open_by_due")
    assert marked == len(made["overdue"])
    # Rows other tests left in this database may add to what the index returns, so the bound
    # is the duties that are not yet due: reading those would mean the index was not used.
    assert marked <= index_scan["Actual Rows"] < len(made["not due"])


def _nodes(node: dict):
    yield node
    for child in node.get("Plans", ()):
        yield from _nodes(child)
