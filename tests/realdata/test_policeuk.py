"""The police.uk importer on real extracts (tests/realdata/fixtures) and on broken files."""

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from victimjourney.cases.models import Case
from victimjourney.journey.models import Event
from victimjourney.realdata.policeuk import OUTCOMES
from victimjourney.realdata.services import policeuk_import

FIXTURES = Path(__file__).parent / "fixtures"
TV_STREET = str(FIXTURES / "2022-01-thames-valley-street.csv")
TV_OUTCOMES = str(FIXTURES / "2022-01-thames-valley-outcomes.csv")
COL_STREET = str(FIXTURES / "2013-06-city-of-london-street.csv")
COL_OUTCOMES = str(FIXTURES / "2013-06-city-of-london-outcomes.csv")
STREET_HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
                 "LSOA code,LSOA name,Crime type,Last outcome category,Context")
CRIME = "7d0f54eb54004b5a9de677049e7cecc47bddd8a195752b826145c7a1d57ddf04"
pytestmark = pytest.mark.django_db


def _rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _nothing_stored():
    return Event.objects.count() == 0 and Case.objects.count() == 0


def test_street_crimes_become_cases_reported_and_recorded_on_the_first_of_the_month():
    [report] = policeuk_import(paths=[TV_STREET])
    rows = _rows(TV_STREET)
    crimes = {r["Crime ID"] for r in rows if r["Crime ID"]}
    assert report.skipped_no_crime_id == sum(1 for r in rows if not r["Crime ID"]) == 25
    assert Case.objects.count() == len(crimes) == report.crimes
    assert Event.objects.count() == 2 * len(crimes) == report.events
    case = Case.objects.get(reference=CRIME)
    assert case.force_id == "police:thames-valley"
    events = {e.type: e for e in Event.objects.filter(case=case)}
    assert set(events) == {"crime.reported", "crime.recorded"}
    reported = events["crime.reported"]
    assert reported.data == {"offence": "Criminal damage and arson",
                             "offence_group": "criminal damage and arson"}
    assert reported.occurred_at == dt.datetime(2022, 1, 1, 12, 0, tzinfo=dt.UTC)  # GMT
    assert events["crime.recorded"].data == {"crime_reference": CRIME}


def test_outcomes_become_journey_events_and_the_rest_are_counted_not_invented():
    street, outcomes = policeuk_import(paths=[TV_OUTCOMES, TV_STREET])  # any order
    assert (street.kind, outcomes.kind) == ("street", "outcomes")
    crimes = {r["Crime ID"] for r in _rows(TV_STREET) if r["Crime ID"]}
    rows = _rows(TV_OUTCOMES)
    unique = {(r["Crime ID"], r["Month"], r["Outcome type"]) for r in rows}
    assert outcomes.duplicate_rows == len(rows) - len(unique) == 2
    mapped = [u for u in unique if OUTCOMES[u[2]] is not None]
    assert outcomes.events == sum(1 for u in mapped if u[0] in crimes) > 0
    assert outcomes.crime_not_imported == sum(1 for u in mapped if u[0] not in crimes) > 0
    assert outcomes.no_counterpart == {"Action to be taken by another organisation": sum(
        1 for u in unique if u[2] == "Action to be taken by another organisation")}
    charged = {u[0] for u in mapped if u[2] == "Suspect charged" and u[0] in crimes}
    assert set(Event.objects.filter(type="suspect.charged").values_list(
        "case__reference", flat=True)) == charged
    closed = Event.objects.filter(type="investigation.closed").first()
    assert closed.occurred_at == dt.datetime(2022, 1, 31, 12, 0, tzinfo=dt.UTC)
    assert closed.data["reason"] in ("no_suspect_identified", "evidential_difficulties",
                                     "not_in_public_interest")
    reasons = dict(Event.objects.filter(type="ooc_disposal.issued").values_list(
        "case__reference", "data__disposal"))
    assert set(reasons.values()) <= {"community_resolution", "caution", "penalty_notice"}


def test_importing_the_same_files_again_stores_nothing_new():
    policeuk_import(paths=[TV_STREET, TV_OUTCOMES])
    before = Event.objects.count()
    again = policeuk_import(paths=[TV_STREET, TV_OUTCOMES])
    assert [r.events for r in again] == [0, 0]
    assert Event.objects.count() == before


def test_the_2013_vocabulary_is_mapped(capsys):
    call_command("policeuk_import", COL_STREET, COL_OUTCOMES, "--quiet")
    out = capsys.readouterr().out
    assert "No further action at this time" in out
    closures = Event.objects.filter(type="investigation.closed")
    assert closures.count() == len(_rows(COL_OUTCOMES)) == 10
    assert {e.data["reason"] for e in closures} == {"other"}
    assert {e.provider_id for e in closures} == {"police:city-of-london"}


def test_an_unexpected_header_names_the_missing_and_unknown_columns(tmp_path):
    text = STREET_HEADER.replace("Crime type", "Crime category") + "\n" + (
        "abc123,2022-01,Thames Valley Police,Thames Valley Police,,,,,,Burglary,,\n")
    path = _write(tmp_path, "odd.csv", text)
    with pytest.raises(CommandError) as caught:
        call_command("policeuk_import", TV_STREET, path, "--quiet")
    message = str(caught.value)
    assert "line 1, field (header)" in message
    assert "missing column(s): Crime type" in message
    assert "unknown column(s): 'Crime category'" in message
    assert _nothing_stored()  # not even the good file given with it


def test_a_street_file_given_as_outcomes_is_refused_by_its_columns():
    with pytest.raises(CommandError) as caught:
        call_command("policeuk_import", TV_STREET, "--kind", "outcomes", "--quiet")
    message = str(caught.value)
    assert "not a police.uk outcomes file" in message
    assert "missing column(s): Outcome type" in message
    assert "'Crime type', 'Last outcome category', 'Context'" in message
    assert _nothing_stored()


def test_bad_rows_are_named_by_line_and_column_and_nothing_is_applied(tmp_path):
    good = "aaa111,2022-01,Thames Valley Police,Thames Valley Police,,,,,,Burglary,,"
    text = "\n".join([
        STREET_HEADER, good,
        "bbb222,2022-13,Thames Valley Police,Thames Valley Police,,,,,,Burglary,,",
        "ccc333,2022-01,Gotham City Police,Gotham City Police,,,,,,Burglary,,",
        "ddd444,2022-01,Thames Valley Police,Thames Valley Police,,,,,,Jaywalking,,",
        "eee555,2022-01,Thames Valley Police,Thames Valley Police,,,,,,Burglary,",
        "fff/66,2022-01,Thames Valley Police,Thames Valley Police,,,,,,Burglary,,",
    ]) + "\n"
    path = _write(tmp_path, "bad.csv", text)
    with pytest.raises(CommandError) as caught:
        call_command("policeuk_import", path, "--quiet")
    message = str(caught.value)
    assert "5 error(s); nothing was imported" in message
    assert "line 3, field Month: expected a month YYYY-MM" in message
    assert "line 4, field Reported by: unknown force 'Gotham City Police'" in message
    assert "line 5, field Crime type: unknown crime type 'Jaywalking'" in message
    assert "line 6, field (row): expected 12 fields, found 11" in message
    assert "line 7, field Crime ID: 'fff/66' is not a police.uk Crime ID" in message
    assert _nothing_stored()


def test_an_unknown_outcome_type_is_an_error(tmp_path):
    with open(TV_OUTCOMES, encoding="utf-8") as handle:
        header = handle.readline()
    path = _write(tmp_path, "o.csv", header + "abc,2022-01,Thames Valley Police,Thames Valley "
                  "Police,,,,,,Offender abducted by aliens\n")
    with pytest.raises(CommandError, match=r"line 2, field Outcome type: unknown outcome type "
                                           r"'Offender abducted by aliens'"):
        call_command("policeuk_import", path, "--quiet")


def test_force_names_the_force_when_reported_by_is_unknown_and_must_agree(tmp_path):
    row = "abc123,2022-01,{},x,,,,,,Robbery,,\n"
    path = _write(tmp_path, "s.csv", STREET_HEADER + "\n" + row.format("TVP"))
    with pytest.raises(CommandError, match="unknown force 'TVP'"):
        call_command("policeuk_import", path, "--quiet")
    call_command("policeuk_import", path, "--force", "thames-valley", "--quiet")
    assert Case.objects.get(reference="abc123").force_id == "police:thames-valley"
    other = _write(tmp_path, "k.csv", STREET_HEADER + "\n" + row.format("Kent Police"))
    with pytest.raises(CommandError, match="'Kent Police' is not the force given with --force"):
        call_command("policeuk_import", other, "--force", "thames-valley", "--quiet")
    with pytest.raises(CommandError, match="--force: unknown force 'gotham'"):
        call_command("policeuk_import", other, "--force", "gotham", "--quiet")


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((STREET_HEADER + "\nabc,2022-01,Caf\xe9,x,,,,,,Robbery,,\n").encode("latin-1"))
    with pytest.raises(CommandError, match="is not UTF-8 text"):
        call_command("policeuk_import", str(path), "--quiet")
    assert _nothing_stored()


def test_a_crime_stored_with_other_content_rolls_back_the_whole_run(tmp_path):
    policeuk_import(paths=[TV_STREET])
    before = Event.objects.count()
    changed = _write(tmp_path, "changed.csv", "\n".join([
        STREET_HEADER,
        "zzz999,2022-01,Thames Valley Police,Thames Valley Police,,,,,,Robbery,,",
        f"{CRIME},2022-01,Thames Valley Police,Thames Valley Police,,,,,,Robbery,,",
    ]) + "\n")
    with pytest.raises(CommandError) as caught:
        call_command("policeuk_import", changed, "--quiet")
    assert "line 3" in str(caught.value)  # the CSV line, not the feed line
    assert f"{CRIME}-1-reported" in str(caught.value)
    assert Event.objects.count() == before
    assert not Case.objects.filter(reference="zzz999").exists()


def test_an_empty_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="is empty: no header line"):
        call_command("policeuk_import", _write(tmp_path, "e.csv", ""), "--quiet")
