"""The published JSON Schema agrees with the validator and is kept up to date."""

import json
from pathlib import Path

import jsonschema
import pytest

from tests.helpers import raw
from victimjourney.journey.catalogue import EVENT_TYPES
from victimjourney.journey.schema import feed_schema

PUBLISHED = Path(__file__).resolve().parents[2] / "docs" / "event-feed.schema.json"


def test_the_published_schema_file_is_the_generated_one():
    assert json.loads(PUBLISHED.read_text()) == feed_schema(), (
        "docs/event-feed.schema.json is stale: run `victimjourney docs`")


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(feed_schema())


def test_the_schema_covers_every_event_type():
    titles = [v["title"] for v in feed_schema()["oneOf"]]
    assert titles == list(EVENT_TYPES)


VALID = [
    raw("e1", "crime.reported", "2024-03-04 10:00", offence="burglary", hate=["race"]),
    raw("e2", "victim.identified", "2024-03-04 10:00", victim="V1", kind="person",
        date_of_birth="2010-01-01"),
    raw("e3", "cps.decision", "2024-03-05 10:00", provider="cps:south-east",
        decision="discontinue"),
    raw("e4", "contact.made", "2024-03-06 10:00", channel="letter", answers="e3"),
]
INVALID = [
    raw("e1", "crime.reported", "2024-03-04 10:00"),  # offence missing
    raw("e3", "cps.decision", "2024-03-05 10:00", decision="shrug"),
    raw("e2", "victim.identified", "2024-03-04 10:00", kind="person"),  # no victim
    {**raw("e1", "crime.reported", "2024-03-04 10:00", offence="x"), "extra": 1},
]


@pytest.mark.parametrize("line", VALID, ids=lambda line: line["type"])
def test_valid_lines_satisfy_the_schema(line):
    jsonschema.validate(line, feed_schema())


@pytest.mark.parametrize("line", INVALID, ids=lambda line: line["type"])
def test_invalid_lines_fail_the_schema(line):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(line, feed_schema())
