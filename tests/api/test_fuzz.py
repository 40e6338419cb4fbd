"""Broken feeds thrown at the batch endpoint: never a server error, never half-applied."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import kent_feed
from tests.helpers import raw
from victimjourney.journey.catalogue import EVENT_TYPES, TOP_LEVEL_FIELDS
from victimjourney.journey.models import Event

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=50, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
BASE = [*kent_feed(),
        raw("k4", "contact.made", "2026-11-25 10:00", case="KEN/1/26", victim="V1",
            channel="letter", answers="k3"),
        raw("k5", "cps.decision", "2026-11-26 10:00", case="KEN/1/26",
            decision="no_further_action")]
ANSWERS = {200, 201, 400, 403, 409, 413, 422}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                               max_size=3),
    max_leaves=6)
field_names = st.sampled_from([*TOP_LEVEL_FIELDS, "colour", ""])
data_names = st.sampled_from(sorted({f for t in EVENT_TYPES.values() for f in t.fields}))
instants = st.sampled_from(["2026-11-25T10:00:00+00:00", "2026-11-25T10:00:00", "2026-13-01",
                            "yesterday", "2026-11-25T10:00:00+25:00", "0001-01-01T00:00:00Z",
                            "9999-12-31T23:59:59-23:59", ""])
codes = st.sampled_from(["police:kent", "police:essex", "cps:south-east", "victim", "", "k",
                         "police:kent\x00"])


@st.composite
def broken_feeds(draw):
    events = [json.loads(json.dumps(e)) for e in draw(st.lists(st.sampled_from(BASE),
                                                               min_size=1, max_size=6))]
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(events) - 1))
        event = events[i]
        if not isinstance(event, dict):
            continue
        how = draw(st.sampled_from(["drop", "set", "data", "instant", "code", "type", "id",
                                    "whole"]))
        if how == "drop" and event:
            event.pop(draw(st.sampled_from(sorted(event))))
        elif how == "set":
            event[draw(field_names)] = draw(json_values)
        elif how == "data":
            if not isinstance(event.get("data"), dict):
                event["data"] = {}
            event["data"][draw(data_names)] = draw(json_values)
        elif how == "instant":
            event[draw(st.sampled_from(["occurred_at", "received_at"]))] = draw(instants)
        elif how == "code":
            event[draw(st.sampled_from(["provider", "case", "victim"]))] = draw(codes)
        elif how == "type":
            event["type"] = draw(st.sampled_from([*sorted(EVENT_TYPES)[:5], "crime.invented"]))
        elif how == "id":
            event["id"] = draw(st.sampled_from(["k1", "k2", "k9", "", "x" * 201]))
        else:
            events[i] = draw(json_values)
    return events


def assert_answered_and_whole_or_nothing(response, before):
    assert response.status_code in ANSWERS, response.content
    body = response.json()
    if response.status_code >= 400:
        assert set(body) == {"errors"} and body["errors"]
        for error in body["errors"]:
            assert set(error) == {"line", "field", "message", "event_id"}
        assert Event.objects.count() == before
    else:
        assert Event.objects.count() == before + body["events_new"]


@FUZZ
@given(events=broken_feeds())
def test_broken_feeds_never_crash_and_never_half_apply(kent, kent_case, events):
    before = Event.objects.count()
    response = kent.post("/api/v1/events/batch", {"events": events})
    assert_answered_and_whole_or_nothing(response, before)


@FUZZ
@given(cut=st.integers(0, 2000), junk=st.binary(max_size=40))
def test_truncated_and_garbled_bodies_are_refused_whole(kent, kent_case, cut, junk):
    body = json.dumps({"events": BASE}).encode()
    before = Event.objects.count()
    for payload in (body[:cut], junk, body[:cut] + junk):
        if payload == body:
            continue
        response = kent.client.post("/api/v1/events/batch", payload,
                                    content_type="application/json",
                                    HTTP_AUTHORIZATION=f"Bearer {kent.token}")
        assert_answered_and_whole_or_nothing(response, before)
