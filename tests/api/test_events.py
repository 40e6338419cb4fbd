"""Posting events: duties computed, whole-or-nothing batches, idempotent ids, one error shape."""

import pytest
from django.db import IntegrityError
from django.test import override_settings

from tests.api.conftest import KENT_CASE, kent_feed
from tests.helpers import raw
from victimjourney.duties.models import Duty
from victimjourney.duties.services import feed_import
from victimjourney.journey.models import Event, ImportBatch

pytestmark = pytest.mark.django_db

DROP = object()  # a field left out
LETTER = raw("k4", "contact.made", "2026-11-25 10:00", case=KENT_CASE, victim="V1",
             channel="letter", answers="k3")


def duty(entitlement):
    return Duty.objects.get(case__reference=KENT_CASE, entitlement=entitlement)


def test_posting_an_event_computes_its_duties(kent, kent_case):
    assert duty("suspect_arrested").status == "breached"
    response = kent.post("/api/v1/events", LETTER)
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("events", "events_new", "events_repeated", "cases_created")} == {
        "events": 1, "events_new": 1, "events_repeated": 0, "cases_created": 0}
    assert body["duties_written"] >= 1
    arrested = duty("suspect_arrested")
    assert (arrested.status, arrested.fulfilled_by_id) == ("met", "k4")
    assert ImportBatch.objects.get(pk=body["batch_id"]).source == "api:police:kent:case system"


def test_a_new_case_posted_as_a_batch_gets_its_duties(kent):
    response = kent.post("/api/v1/events/batch", {"events": kent_feed()})
    assert response.status_code == 201
    assert response.json()["events_new"] == 3
    case = kent.get(f"/api/v1/cases/{KENT_CASE}").json()
    arrested = [d for d in case["duties"] if d["entitlement"] == "suspect_arrested"]
    assert [(d["status"], d["due_date"], d["enhanced"]) for d in arrested] == [
        ("breached", "2026-11-25", True)]
    assert arrested[0]["explanation"].startswith("Tell the victim that a suspect was arrested")


def test_sending_the_same_event_again_is_a_no_op(kent, kent_case):
    assert kent.post("/api/v1/events", LETTER).status_code == 201
    again = kent.post("/api/v1/events", LETTER)
    assert again.status_code == 200
    assert (again.json()["events_new"], again.json()["events_repeated"]) == (0, 1)
    assert Event.objects.filter(id="k4").count() == 1
    batch = kent.post("/api/v1/events/batch", {"events": [*kent_feed(), LETTER]})
    assert (batch.status_code, batch.json()["events_repeated"]) == (200, 4)


def test_the_same_id_with_other_content_is_an_error_naming_line_and_field(kent, kent_case):
    other = {**LETTER, "data": {"channel": "email", "answers": "k3"}}
    assert kent.post("/api/v1/events", LETTER).status_code == 201
    response = kent.post("/api/v1/events", other)
    assert response.status_code == 422
    assert response.json() == {"errors": [{
        "line": 1, "field": "id", "event_id": "k4",
        "message": "event id 'k4' is already stored with other content (corrections are new "
                   "events)"}]}
    assert Event.objects.get(id="k4").data["channel"] == "letter"


def test_a_batch_with_invalid_lines_applies_nothing_and_lists_every_line(kent, kent_case):
    batch = [
        raw("b1", "response.attended", "2026-11-25 09:00", case=KENT_CASE),
        raw("b2", "contact.made", "2026-11-25 10:00", case=KENT_CASE, victim="V9",
            channel="letter"),
        raw("b3", "suspect.interviewed", "2026-11-25 11:00", case=KENT_CASE),
        raw("b4", "cps.decision", "2026-11-25 12:00", case=KENT_CASE, decision="maybe"),
        {**raw("b5", "suspect.bailed", "2026-11-25 13:00", case=KENT_CASE),
         "received_at": "2026-11-25T12:00:00+00:00"},
    ]
    before = (Event.objects.count(), Duty.objects.count(), ImportBatch.objects.count())
    response = kent.post("/api/v1/events/batch", {"events": batch})
    assert response.status_code == 422
    assert [(e["line"], e["field"], e["event_id"]) for e in response.json()["errors"]] == [
        (2, "victim", "b2"), (4, "data.decision", "b4"), (5, "received_at", "b5")]
    assert response.json()["errors"][1]["message"].startswith(
        "'maybe' is not one of charge, no_further_action")
    assert (Event.objects.count(), Duty.objects.count(),
            ImportBatch.objects.count()) == before


@pytest.mark.parametrize(("event", "field", "message"), [
    ({"id": DROP}, "id", "Field required"),
    ({"occurred_at": 1700000000}, "occurred_at", "Input should be a valid string"),
    ({"colour": "red"}, "colour", "Extra inputs are not permitted"),
    ({"data": []}, "data", "Input should be a valid dictionary"),
    ({"id": ""}, "id", "String should have at least 1 character"),
    ({"type": "crime.invented"}, "type", "unknown event type 'crime.invented'"),
    ({"occurred_at": "2026-11-25 10:00"}, "occurred_at",
     "'2026-11-25 10:00' has no UTC offset (write e.g. +00:00)"),
    ({"data": {"channel": "pigeon", "answers": "k3"}}, "data.channel",
     "'pigeon' is not one of letter, email, sms, phone, in_person, portal"),
    ({"victim": "V1\x00"}, "victim", "contains a NUL character, an unpaired surrogate or a "
                                     "non-finite number, which cannot be stored"),
    ({"data": {"summary": "a\x00b", "channel": "letter"}}, "data.summary",
     "contains a NUL character, an unpaired surrogate or a non-finite number, which cannot "
     "be stored"),
])
def test_an_invalid_event_is_422_naming_its_line_and_field(kent, kent_case, event, field,
                                                           message):
    line = {k: v for k, v in {**LETTER, **event}.items() if v is not DROP}
    single = kent.post("/api/v1/events", line)
    batch = kent.post("/api/v1/events/batch", {"events": [LETTER, line]})
    assert (single.status_code, batch.status_code) == (422, 422)
    assert [(e["line"], e["field"], e["message"]) for e in single.json()["errors"]] == [
        (1, field, message)]
    assert [(e["line"], e["field"], e["message"]) for e in batch.json()["errors"]] == [
        (2, field, message)]
    assert not Event.objects.filter(id="k4").exists()


@pytest.mark.parametrize("body", ["{not json", "[" * 5000 + "]" * 5000,
                                  '{"id": NaN}', '{"id": "\\ud800"}'])
def test_a_body_that_is_not_strict_json_is_400(kent, kent_case, body):
    response = kent.client.post("/api/v1/events", body, content_type="application/json",
                                HTTP_AUTHORIZATION=f"Bearer {kent.token}")
    assert response.status_code == 400
    assert response.json() == {"errors": [{"line": None, "field": "(body)", "event_id": None,
                                           "message": "Cannot parse request body"}]}


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"events": []}, "events", "List should have at least 1 item after validation, not 0"),
    ({}, "events", "Field required"),
    ({"events": [LETTER] * 1001}, "events",
     "List should have at most 1000 items after validation, not 1001"),
])
def test_a_batch_needs_1_to_1000_events(kent, kent_case, body, field, message):
    response = kent.post("/api/v1/events/batch", body)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"line": None, "field": field, "message": message,
                                          "event_id": None}]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_over_the_size_limit_is_413(kent, kent_case):
    response = kent.post("/api/v1/events/batch", {"events": [LETTER] * 10})
    assert response.status_code == 413
    assert response.json()["errors"][0]["field"] == "(body)"
    assert not Event.objects.filter(id="k4").exists()


def test_a_collision_with_a_concurrent_write_is_retried(kent, kent_case, monkeypatch):
    calls = []

    def collide_once(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError("duplicate key value violates unique constraint")
        return feed_import(**kwargs)

    monkeypatch.setattr("victimjourney.api.services.feed_import", collide_once)
    assert kent.post("/api/v1/events", LETTER).status_code == 201
    assert len(calls) == 2
    assert Event.objects.filter(id="k4").exists()


def test_repeated_collisions_are_a_409_and_apply_nothing(kent, kent_case, monkeypatch):
    def collide(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr("victimjourney.api.services.feed_import", collide)
    response = kent.post("/api/v1/events", LETTER)
    assert response.status_code == 409
    assert response.json()["errors"] == [{
        "line": None, "field": "(batch)", "event_id": None,
        "message": "other requests were writing the same cases or events at the same time; "
                   "nothing was applied: send it again"}]
    assert not Event.objects.filter(id="k4").exists()
