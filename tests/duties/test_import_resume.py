"""The batched file import: checked whole first, applied in committed batches, resumed after a
crash without storing anything twice."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.helpers import raw
from victimjourney.core import clock
from victimjourney.core.errors import FeedErrors
from victimjourney.duties.fileimport import ResumeRefused, feed_import_file
from victimjourney.duties.models import Duty, ImportCheckpoint, ImportLine
from victimjourney.duties.replay import replay
from victimjourney.journey.models import Event, ImportBatch
from victimjourney.organisations.reference import shipped_organisations
from victimjourney.organisations.services import reference_load
from victimjourney.synthetic.generator import generate

pytestmark = pytest.mark.django_db(transaction=True)
NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def organisations(transactional_db):
    """A transactional test starts from tables another one may have flushed."""
    reference_load()


class Crash(Exception):
    """Stands for the process dying part-way."""


def crash_after(chunks: int):
    seen = []

    def on_progress(lines: int) -> None:
        seen.append(lines)
        if len(seen) == chunks:
            raise Crash
    return on_progress


def feed_file(tmp_path: Path, cases: int, seed: int = 3, name: str = "feed.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(e) + "\n" for e in generate(cases=cases, seed=seed,
                                                                     year=2024)))
    return path


def stored_events() -> list[tuple]:
    return sorted(Event.objects.values_list("id", "type", "case__reference", "provider_id",
                                            "occurred_at", "received_at", "victim_key",
                                            "digest"))


def stored_duties() -> list[tuple]:
    return sorted((d.case.reference, d.victim.key, d.trigger_event_id, d.entitlement, d.status,
                   d.due_date, d.fulfilled_by_id, d.enhanced, d.provider_id)
                  for d in Duty.objects.select_related("case", "victim"))


def replayed(path: Path) -> list[tuple]:
    duties = replay(path.read_text().splitlines(keepends=True), as_of=NOW,
                    orgs=shipped_organisations())
    return sorted((d.case, d.victim, d.trigger_event, d.entitlement, d.status, d.due_date,
                   d.fulfilled_by, d.enhanced, d.provider) for d in duties)


def replayed_lines(lines: list[str]) -> list[tuple]:
    duties = replay([line + "\n" for line in lines], as_of=NOW, orgs=shipped_organisations())
    return sorted((d.case, d.victim, d.trigger_event, d.entitlement, d.status, d.due_date,
                   d.fulfilled_by, d.enhanced, d.provider) for d in duties)


def fed_events(path: Path) -> list[str]:
    return sorted(json.loads(line)["id"] for line in path.read_text().splitlines())


def test_an_interrupted_import_resumes_where_it_stopped_and_stores_each_event_once(tmp_path):
    path = feed_file(tmp_path, cases=25)
    total = len(path.read_text().splitlines())
    with clock.frozen(NOW), pytest.raises(Crash):
        feed_import_file(str(path), batch_lines=60, chunk_lines=20,
                         on_progress=crash_after(7))  # inside the third batch
    checkpoint = ImportCheckpoint.objects.get()
    assert (checkpoint.lines_done, checkpoint.finished_at) == (120, None)
    assert checkpoint.offset == sum(len(line.encode()) for line in
                                    path.read_text().splitlines(keepends=True)[:120])
    assert Event.objects.count() == checkpoint.events_new == 120  # two committed batches
    with clock.frozen(NOW):
        result, again = feed_import_file(str(path), resume=True, batch_lines=60,
                                         chunk_lines=20)
    assert again.pk == checkpoint.pk
    assert (result.lines, result.events_new, result.events_repeated) == (total, total, 0)
    assert sorted(Event.objects.values_list("id", flat=True)) == fed_events(path)
    assert stored_duties() == replayed(path)
    # Every duty was written once, and those of a case split across chunks again if it changed.
    assert result.duties_written >= Duty.objects.count()
    batch = ImportBatch.objects.get()
    assert (batch.events_new, batch.lines, batch.finished_at is not None) == (total, total, True)
    assert ImportLine.objects.count() == 0


@pytest.mark.postgres
def test_a_resumed_import_stores_exactly_what_a_clean_import_stores(tmp_path):
    path = feed_file(tmp_path, cases=25, seed=8)
    with clock.frozen(NOW):
        feed_import_file(str(path), batch_lines=1000)
    clean = (stored_events(), stored_duties(), Duty.objects.count())
    with connection.cursor() as cursor:  # TRUNCATE does not fire the append-only trigger
        cursor.execute("TRUNCATE journey_event, duties_duty, victims_categoryrecord, "
                       "victims_victim, cases_caseorganisation, cases_case, "
                       "duties_importcheckpoint, journey_importbatch CASCADE")
        reference_load()
    with clock.frozen(NOW), pytest.raises(Crash):
        feed_import_file(str(path), batch_lines=45, chunk_lines=15, on_progress=crash_after(8))
    assert 0 < Event.objects.count() < len(clean[0])
    with clock.frozen(NOW):
        feed_import_file(str(path), resume=True, batch_lines=45, chunk_lines=15)
    assert (stored_events(), stored_duties(), Duty.objects.count()) == clean


def test_importing_again_without_resume_repeats_nothing(tmp_path):
    path = feed_file(tmp_path, cases=8)
    with clock.frozen(NOW), pytest.raises(Crash):
        feed_import_file(str(path), batch_lines=30, chunk_lines=10, on_progress=crash_after(4))
    stored = Event.objects.count()
    with clock.frozen(NOW):
        result, _ = feed_import_file(str(path), batch_lines=30, chunk_lines=10)
    assert (result.events_repeated, result.events_new) == (stored, len(fed_events(path)) - stored)
    assert sorted(Event.objects.values_list("id", flat=True)) == fed_events(path)
    assert stored_duties() == replayed(path)


def test_a_file_that_changed_since_it_was_interrupted_is_not_resumed(tmp_path):
    path = feed_file(tmp_path, cases=6)
    with clock.frozen(NOW), pytest.raises(Crash):
        feed_import_file(str(path), batch_lines=20, chunk_lines=10, on_progress=crash_after(3))
    with path.open("a") as handle:
        handle.write(json.dumps(raw("late", "crime.reported", "2024-05-01 10:00", case="NEW",
                                    offence="theft")) + "\n")
    before = Event.objects.count()
    with clock.frozen(NOW), pytest.raises(ResumeRefused, match="has changed since"):
        feed_import_file(str(path), resume=True, batch_lines=20)
    assert Event.objects.count() == before


def test_an_invalid_line_anywhere_applies_nothing_not_even_earlier_batches(tmp_path):
    path = feed_file(tmp_path, cases=10)
    good = path.read_text().splitlines()
    bad = raw("z9", "crime.reported", "2024-03-04 10:00", case="Z/1")  # no offence
    path.write_text("\n".join([*good, json.dumps(bad)]) + "\n")
    with clock.frozen(NOW), pytest.raises(FeedErrors) as caught:
        feed_import_file(str(path), batch_lines=10, chunk_lines=5)
    assert [(e.line, e.field) for e in caught.value.errors] == [(len(good) + 1, "data.offence")]
    assert (Event.objects.count(), Duty.objects.count(), ImportBatch.objects.count(),
            ImportCheckpoint.objects.count(), ImportLine.objects.count()) == (0, 0, 0, 0, 0)


def test_the_check_sees_the_earlier_chunks_of_the_file(tmp_path):
    lines = [
        raw("a1", "crime.reported", "2024-03-04 10:00", case="K/1", offence="assault"),
        raw("a2", "victim.identified", "2024-03-04 10:00", case="K/1", victim="V1",
            kind="person"),
        raw("a3", "vps.offered", "2024-03-05 10:00", case="K/1", victim="V1"),
        raw("a7", "crime.recorded", "2024-03-05 10:00", case="K/1"),
        # Second chunk: a reply to an event, for a victim, both of the first chunk.
        raw("a4", "contact.made", "2024-03-06 10:00", case="K/1", victim="V1",
            channel="phone", answers="a3"),
        raw("a1", "crime.reported", "2024-03-04 11:00", case="K/1", offence="assault"),
        raw("a5", "vps.offered", "2024-03-05 10:00", case="K/1", victim="V9"),
        raw("a6", "contact.made", "2024-03-06 10:00", case="K/1", victim="V1",
            channel="phone", answers="nope"),
    ]
    path = tmp_path / "refs.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    with clock.frozen(NOW), pytest.raises(FeedErrors) as caught:
        feed_import_file(str(path), chunk_lines=4)
    assert [(e.line, e.field) for e in caught.value.errors] == [
        (6, "id"), (7, "victim"), (8, "data.answers")]
    assert "was used on line 1 with other content" in str(caught.value.errors[0])
    assert Event.objects.count() == 0
    path.write_text("".join(json.dumps(line) + "\n" for line in lines[:5]))
    with clock.frozen(NOW):
        result, _ = feed_import_file(str(path), chunk_lines=4, batch_lines=4)
    assert result.events_new == 5


def test_keep_valid_resumes_without_writing_a_reject_twice(tmp_path):
    path = feed_file(tmp_path, cases=6)
    good = path.read_text().splitlines()
    bad_at = (5, 25, 45)
    for number in bad_at:
        good[number - 1] = '{"id": "broken'
    path.write_text("\n".join(good) + "\n")
    rejects = tmp_path / "rejects.jsonl"
    with clock.frozen(NOW), pytest.raises(Crash):
        feed_import_file(str(path), keep_valid=True, rejects_path=str(rejects),
                         batch_lines=20, chunk_lines=10, on_progress=crash_after(3))
    with clock.frozen(NOW):
        result, _ = feed_import_file(str(path), resume=True, keep_valid=True,
                                     rejects_path=str(rejects), batch_lines=20,
                                     chunk_lines=10)
    written = [json.loads(line)["line"] for line in rejects.read_text().splitlines()]
    # The broken lines, and the lines that needed them; each once, in order.
    assert written == sorted(set(written))
    assert set(bad_at) <= set(written)
    assert result.rejected == len(written)
    assert Event.objects.count() == len(good) - len(written)
    assert stored_duties() == replayed_lines([line for number, line in enumerate(good, 1)
                                              if number not in written])


def test_the_command_resumes_and_reports_totals(tmp_path):
    path = feed_file(tmp_path, cases=5)
    total = len(path.read_text().splitlines())
    with clock.frozen(NOW), pytest.raises(Crash):
        feed_import_file(str(path), batch_lines=20, chunk_lines=10, on_progress=crash_after(3))
    with clock.frozen(NOW):
        call_command("import", str(path), "--resume", "--batch-lines", "20", "--quiet")
    assert Event.objects.count() == total
    with pytest.raises(CommandError, match="--resume needs the batched import"):
        call_command("import", str(path), "--resume", "--one-transaction", "--quiet")


@pytest.mark.postgres
@pytest.mark.slow
def test_an_import_process_killed_mid_way_resumes_to_the_same_result(tmp_path):
    path = feed_file(tmp_path, cases=2500, seed=5)
    env = {**os.environ, "DATABASE_URL": _database_url(),
           "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "victimjourney", "import", str(path), "--quiet",
               "--batch-lines", "1000"]
    proc = subprocess.Popen(command, env=env, cwd=ROOT)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            done = ImportCheckpoint.objects.filter(finished_at=None, lines_done__gt=0)
            if done.exists():
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the import ended before it could be killed"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    checkpoint = ImportCheckpoint.objects.get()
    assert checkpoint.finished_at is None
    assert Event.objects.count() == checkpoint.events_new < len(fed_events(path))
    subprocess.run([*command, "--resume"], env=env, cwd=ROOT, check=True)
    assert sorted(Event.objects.values_list("id", flat=True)) == fed_events(path)
    with clock.frozen(clock.now()):
        assert stored_duties_as_of_now() == replayed_now(path)


def _database_url() -> str:
    settings = connection.settings_dict
    return (f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/"
            f"{settings['NAME']}")


def stored_duties_as_of_now() -> list[tuple]:
    return sorted((d.case.reference, d.victim.key, d.trigger_event_id, d.entitlement,
                   d.due_date, d.fulfilled_by_id, d.enhanced, d.provider_id)
                  for d in Duty.objects.select_related("case", "victim"))


def replayed_now(path: Path) -> list[tuple]:
    duties = replay(path.read_text().splitlines(keepends=True), as_of=clock.now(),
                    orgs=shipped_organisations())
    return sorted((d.case, d.victim, d.trigger_event, d.entitlement, d.due_date,
                   d.fulfilled_by, d.enhanced, d.provider) for d in duties)
