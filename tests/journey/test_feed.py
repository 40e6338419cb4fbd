"""Validation of the event feed: every bad line names its line and field."""

import json

import pytest

from tests.helpers import ORGS, raw
from victimjourney.core.errors import FeedError
from victimjourney.journey.feed import check_batch, parse_event, parse_lines


def errors_of(*raws):
    errors: list[FeedError] = []
    events = list(parse_lines([json.dumps(r) for r in raws], ORGS, errors))
    errors.extend(check_batch(events))
    return [(e.line, e.field, e.message) for e in errors]


REPORT = raw("e1", "crime.reported", "2024-03-04 10:00", offence="burglary")
VICTIM = raw("e2", "victim.identified", "2024-03-04 10:00", victim="V1", kind="person")


def test_a_valid_feed_has_no_errors():
    assert errors_of(REPORT, VICTIM, raw("e3", "suspect.charged", "2024-03-05 10:00")) == []


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"type": "suspect.vanished"}, "type", "unknown event type 'suspect.vanished'"),
        ({"provider": "police:atlantis"}, "provider",
         "unknown organisation code 'police:atlantis'"),
        ({"occurred_at": "2024-03-04T10:00:00"}, "occurred_at",
         "'2024-03-04T10:00:00' has no UTC offset (write e.g. +00:00)"),
        ({"occurred_at": "yesterday"}, "occurred_at", "not an ISO 8601 instant: 'yesterday'"),
        ({"received_at": "2024-03-04T09:00:00+00:00"}, "received_at",
         "2024-03-04T09:00:00+00:00 is before occurred_at 2024-03-04T10:00:00+00:00"),
        ({"case": ""}, "case", "expected a case reference string, got ''"),
        ({"colour": "red"}, "colour",
         "unknown field (allowed: id, type, case, provider, occurred_at, received_at, victim, "
         "data)"),
        ({"data": {"offence": 12}}, "data.offence", "expected a non-empty string, got 12"),
        ({"data": {}}, "data.offence", "required for crime.reported"),
        ({"data": {"offence": "x", "domestic_abuse": "yes"}}, "data.domestic_abuse",
         "expected true or false, got 'yes'"),
        ({"data": {"offence": "x", "hate": ["colour"]}}, "data.hate[0]",
         "'colour' is not one of disability, race, religion, sexual_orientation, transgender"),
        ({"data": {"offence": "x", "offence_date": "2024-02-30"}}, "data.offence_date",
         "expected a date YYYY-MM-DD, got '2024-02-30'"),
    ],
)
def test_a_bad_line_names_the_line_and_field(change, field, message):
    line = {"id": "e1", "type": "crime.reported", "case": "C1", "provider": "police:kent",
            "occurred_at": "2024-03-04T10:00:00+00:00", "data": {"offence": "burglary"}}
    line.update(change)
    assert errors_of(VICTIM, line) == [(2, field, message)]


def test_a_missing_required_field_is_named():
    line = {"id": "e1", "type": "crime.reported", "case": "C1", "provider": "police:kent"}
    assert errors_of(line) == [(1, "occurred_at", "required field is missing")]


def test_invalid_json_is_named_by_line():
    errors: list[FeedError] = []
    list(parse_lines(['{"id": "e1",'], ORGS, errors))
    assert [(e.line, e.field) for e in errors] == [(1, "(line)")]
    assert errors[0].message.startswith("not valid JSON")


def test_a_victim_not_on_the_case_is_an_error():
    assert errors_of(REPORT, raw("e3", "victim.categorised", "2024-03-05 10:00", victim="V9",
                                 category="intimidated", reason="fear")) == [
        (2, "victim", "victim 'V9' is not on case 'C1' (no victim.identified for it)")]


def test_an_answer_to_an_event_not_on_the_case_is_an_error():
    contact = raw("e3", "contact.made", "2024-03-05 10:00", channel="phone", answers="nope")
    assert errors_of(REPORT, VICTIM, contact) == [
        (3, "data.answers", "event 'nope' is not on case 'C1'")]


def test_an_id_reused_with_other_content_is_an_error_but_a_repeat_is_not():
    again = dict(REPORT)
    changed = raw("e1", "crime.reported", "2024-03-04 10:00", offence="robbery")
    assert errors_of(REPORT, VICTIM, again) == []
    assert errors_of(REPORT, VICTIM, changed) == [
        (3, "id", "id 'e1' was used on line 1 with other content")]


def test_received_at_defaults_to_occurred_at_and_the_same_instant_has_one_digest():
    a = parse_event(raw("e1", "crime.reported", "2024-03-04 10:00", offence="x"), 1, ORGS)
    b_raw = raw("e1", "crime.reported", "2024-03-04 10:00", offence="x")
    b_raw["received_at"] = "2024-03-04T10:00:00Z"  # the same instant, written in UTC
    b = parse_event(b_raw, 1, ORGS)
    assert a.received_at == a.occurred_at
    assert a.digest == b.digest


def test_victim_specific_types_must_name_the_victim():
    line = raw("e5", "victim.categorised", "2024-03-05 10:00", category="vulnerable",
               reason="x")
    assert errors_of(REPORT, line) == [
        (2, "victim", "victim.categorised must name the victim it concerns")]


def test_instants_outside_the_calendar_are_refused():
    far = {"id": "e1", "type": "crime.reported", "case": "C1", "provider": "police:kent",
           "occurred_at": "0001-01-01T00:00:00+14:00", "data": {"offence": "theft"}}
    late = {**far, "occurred_at": "2090-01-01T00:00:00+00:00"}
    assert errors_of(far)[0][1:] == (
        "occurred_at", "'0001-01-01T00:00:00+14:00' is outside the years this service handles "
        "(1990-2044)")
    assert errors_of(late)[0][1] == "occurred_at"
