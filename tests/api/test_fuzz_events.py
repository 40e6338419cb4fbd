"""The broken feeds of the importer's fuzz test (tests/duties/test_fuzz_import.py), posted to
the batch endpoint: always a 4xx with the error shape, never a 500, and nothing applied."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings

from tests.duties.test_fuzz_import import Broken, broken_feeds, counts

pytestmark = pytest.mark.django_db


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(feed=broken_feeds())
def test_a_broken_batch_is_a_4xx_with_the_error_shape_and_applies_nothing(kent, feed: Broken):
    before = counts()
    try:
        body = json.dumps({"events": [json.loads(line) for line in feed.lines]})
    except ValueError:  # a line that is not JSON: so is the body
        body = '{"events": [' + ", ".join(line.strip() for line in feed.lines) + "]}"
    response = kent.client.post("/api/v1/events/batch", body, content_type="application/json",
                                HTTP_AUTHORIZATION=f"Bearer {kent.token}")
    assert 400 <= response.status_code < 500, response.content
    errors = response.json()["errors"]
    assert errors and all(set(e) == {"line", "field", "event_id", "message"} and e["message"]
                          for e in errors)
    assert counts() == before
