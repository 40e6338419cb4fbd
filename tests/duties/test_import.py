"""Importing a feed into the database: whole or nothing, idempotent, the same duties as replay."""

import datetime as dt
import io
import json
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction

from tests.duties.test_gwent import CPS_LETTER_DUTIES, gwent_feed
from tests.helpers import lines, raw
from victimjourney.cases.models import Case
from victimjourney.core import clock
from victimjourney.core.errors import FeedErrors
from victimjourney.duties.models import Duty
from victimjourney.duties.replay import replay
from victimjourney.duties.services import duties_sweep, feed_import
from victimjourney.journey.models import Event, ImportBatch
from victimjourney.organisations.models import Organisation
from victimjourney.organisations.reference import shipped_organisations
from victimjourney.synthetic.generator import generate
from victimjourney.victims.models import CategoryRecord, Victim

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)

CASE = [
    raw("e1", "crime.reported", "2024-03-04 10:00", offence="assault", domestic_abuse=True),
    raw("e2", "victim.identified", "2024-03-04 10:00", victim="V1", kind="person",
        date_of_birth="1990-02-02", contact={"email": "v1@example.invalid"}),
    raw("e3", "suspect.charged", "2024-03-05 16:00"),
]


def do_import(feed, **kwargs):
    with clock.frozen(NOW):
        return feed_import(lines=feed, source="test", **kwargs)


def stored_duties():
    return sorted((d.case.reference, d.victim.key, d.trigger_event_id, d.entitlement, d.status,
                   d.due_date, d.fulfilled_by_id, d.enhanced, d.provider_id)
                  for d in Duty.objects.select_related("case", "victim"))


def replayed_duties(feed):
    duties = replay(feed, as_of=NOW, orgs=shipped_organisations())
    return sorted((d.case, d.victim, d.trigger_event, d.entitlement, d.status, d.due_date,
                   d.fulfilled_by, d.enhanced, d.provider) for d in duties)


def test_an_import_stores_events_victims_categories_and_duties():
    result = do_import(lines(*CASE))
    assert (result.events_new, result.events_repeated, result.cases) == (3, 0, 1)
    case = Case.objects.get()
    assert (case.reference, case.force_id, case.offence) == ("C1", "police:kent", "assault")
    victim = Victim.objects.get()
    assert (victim.key, victim.kind, victim.date_of_birth, victim.contact) == (
        "V1", "person", dt.date(1990, 2, 2), {"email": "v1@example.invalid"})
    assert list(CategoryRecord.objects.values_list("category", "state", "source")) == [
        ("most_serious_crime", "applies", "derived")]
    charged = Duty.objects.get(entitlement="suspect_charged")
    assert (charged.due_date, charged.status, charged.enhanced, charged.edition) == (
        dt.date(2024, 3, 6), "breached", True, "2020")
    assert result.duties_written == Duty.objects.count()


def test_stored_duties_equal_the_replayed_duties():
    feed = [json.dumps(e) + "\n" for e in generate(cases=60, seed=3, year=2024)]
    do_import(feed, chunk_lines=7)
    assert stored_duties() == replayed_duties(feed)


def test_importing_the_same_feed_twice_changes_nothing():
    feed = [json.dumps(e) + "\n" for e in generate(cases=20, seed=4, year=2015)]
    do_import(feed)
    before = stored_duties()
    ids_before = sorted(Duty.objects.values_list("id", flat=True))
    again = do_import(feed)
    assert (again.events_new, again.events_repeated, again.duties_written) == (0, len(feed), 0)
    assert stored_duties() == before
    assert sorted(Duty.objects.values_list("id", flat=True)) == ids_before


def test_a_later_import_re_evaluates_the_case_and_keeps_duty_ids():
    do_import(lines(*CASE))
    duty = Duty.objects.get(entitlement="suspect_charged")
    contact = raw("e4", "contact.made", "2024-03-06 11:00", victim="V1", channel="phone",
                  answers="e3")
    do_import(lines(contact))
    duty.refresh_from_db()
    assert (duty.status, duty.fulfilled_by_id) == ("met", "e4")
    assert Duty.objects.filter(entitlement="suspect_charged").count() == 1


def test_a_victim_identified_in_the_chunk_before_is_known_to_the_next():
    # A chunk's victims are written after the next chunk is screened (the import's pipeline):
    # the screen must still know them.
    offered = raw("e4", "vps.offered", "2024-03-07 10:00", victim="V1")
    feed = lines(*CASE[:2], offered, CASE[2])
    result = do_import(feed, chunk_lines=2)
    assert (result.events_new, result.cases, Victim.objects.count()) == (4, 1, 1)
    assert stored_duties() == replayed_duties(feed)
    # Created or changed: a duty the second chunk changes (e.g. one it meets) counts again.
    assert result.duties_written >= Duty.objects.count() > 0


def test_a_victim_named_in_a_later_chunk_but_never_identified_is_still_an_error():
    stray = raw("e4", "vps.offered", "2024-03-07 10:00", victim="V7")
    with pytest.raises(FeedErrors) as caught:
        do_import(lines(*CASE[:2], stray, CASE[2]), chunk_lines=2)
    assert [str(e) for e in caught.value.errors] == [
        "line 3 (event e4), field victim: victim 'V7' is not on case 'C1' (no "
        "victim.identified for it)"]
    assert (Event.objects.count(), Victim.objects.count(), Duty.objects.count()) == (0, 0, 0)


def test_a_bad_line_applies_nothing_from_the_batch():
    bad = raw("e9", "suspect.charged", "2024-03-05 16:00", provider="police:atlantis")
    with pytest.raises(FeedErrors) as caught:
        do_import(lines(*CASE, bad))
    assert str(caught.value.errors[0]) == (
        "line 4 (event e9), field provider: unknown organisation code 'police:atlantis'")
    assert (Event.objects.count(), Case.objects.count(), Duty.objects.count(),
            ImportBatch.objects.count()) == (0, 0, 0, 0)
    assert not Organisation.objects.filter(code="police:atlantis").exists()


def test_errors_in_a_later_chunk_roll_back_earlier_chunks():
    feed = [json.dumps(e) + "\n" for e in generate(cases=10, seed=5, year=2024)]
    feed.append(json.dumps(raw("z", "crime.reported", "2024-03-04 10:00")) + "\n")
    with pytest.raises(FeedErrors) as caught:
        do_import(feed, chunk_lines=10)
    assert [(e.line, e.field) for e in caught.value.errors] == [(len(feed), "data.offence")]
    assert (Event.objects.count(), Duty.objects.count()) == (0, 0)


def test_an_id_stored_with_other_content_is_an_error():
    do_import(lines(*CASE))
    changed = raw("e3", "suspect.charged", "2024-03-05 17:00")
    with pytest.raises(FeedErrors) as caught:
        do_import(lines(changed))
    assert str(caught.value.errors[0]) == (
        "line 1 (event e3), field id: event id 'e3' is already stored with other content "
        "(corrections are new events)")


def test_a_victim_not_on_the_stored_case_is_an_error():
    do_import(lines(*CASE))
    stray = raw("e5", "vps.offered", "2024-03-07 10:00", victim="V7")
    with pytest.raises(FeedErrors, match="victim 'V7' is not on case 'C1'"):
        do_import(lines(stray))


def test_keep_valid_writes_rejects_and_applies_the_rest():
    bad = raw("e9", "suspect.charged", "2024-03-05 16:00", provider="police:atlantis")
    rejects = io.StringIO()
    result = do_import(lines(*CASE, bad), keep_valid=True, rejects=rejects)
    assert (result.events_new, result.rejected) == (3, 1)
    rejected = [json.loads(line) for line in rejects.getvalue().splitlines()]
    assert [(r["line"], r["field"]) for r in rejected] == [(4, "provider")]
    assert json.loads(rejected[0]["text"])["id"] == "e9"
    assert Event.objects.count() == 3


def test_the_sweep_marks_overdue_duties_once():
    do_import(lines(*CASE[:2], raw("e3", "suspect.charged", "2026-10-30 16:00")))
    duty = Duty.objects.get(entitlement="suspect_charged")
    assert (duty.status, duty.due_date) == ("open", dt.date(2026, 11, 2))
    assert duties_sweep(now=dt.datetime(2026, 11, 2, 12, tzinfo=dt.UTC)) == 0
    assert duties_sweep(now=dt.datetime(2026, 11, 3, 0, 0, tzinfo=dt.UTC)) >= 1
    duty.refresh_from_db()
    assert duty.status == "breached"
    assert duties_sweep(now=dt.datetime(2026, 11, 3, 0, 0, tzinfo=dt.UTC)) == 0


def test_journey_events_cannot_be_edited():
    do_import(lines(*CASE))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Event.objects.filter(id="e3").update(type="suspect.arrested")
    assert Event.objects.get(id="e3").type == "suspect.charged"


def test_the_import_command_stores_the_gwent_cases_and_fails_loudly_on_bad_input(tmp_path):
    feed = tmp_path / "gwent.jsonl"
    feed.write_text("".join(json.dumps(line) + "\n" for line in gwent_feed()))
    with clock.frozen(NOW):
        call_command("import", str(feed), "--quiet")
    statuses = Counter(Duty.objects.filter(entitlement__in=CPS_LETTER_DUTIES)
                       .values_list("status", flat=True))
    assert statuses == {"met": 13, "late": 8, "breached": 8}
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x1", "type": "nope"}\n')
    with pytest.raises(CommandError,
                       match=r"line 1 \(event x1\), field case: required field is missing"):
        call_command("import", str(bad), "--quiet")
