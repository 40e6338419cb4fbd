import datetime as dt
import json

import pytest

from tests.helpers import raw
from victimjourney.core import clock
from victimjourney.duties.services import feed_import
from victimjourney.organisations.services import reference_load
from victimjourney.synthetic.generator import generate

NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
# Personal data in the feed below, which no export may carry.
NAME = "Zebedee Quinzel-Marchbanks"
EMAIL = "zebedee.qm@example.org"
PHONE = "07700 900461"
ADDRESS = "14 Acacia Avenue, Maidstone"
SUMMARY = "Told Zebedee about the arrest at his flat"
REASON = "entered under the wrong crime reference by PC Holloway"
DOB = "2006-05-10"


@pytest.fixture(autouse=True)
def reference_data(request):
    """The shipped organisations (idempotent; a run without migrations needs them)."""
    if "django_db" in request.keywords or "db" in request.fixturenames:
        request.getfixturevalue("db")
        reference_load()


def personal_lines() -> list[dict]:
    """A case with a named child victim (18 on 10 May 2024) with contact details, video
    interviews either side of the birthday (and of midnight, local time: 00:30 BST on the
    birthday is still the 9th in UTC), a contact with a free-text summary, and a correction
    with a free-text reason."""
    case = dict(case="KEN/9000001/24", provider="police:kent")
    return [
        raw("KEN/9000001/24-01", "crime.reported", "2024-05-01 10:00", offence="robbery",
            offence_group="robbery", channel="in_person", **case),
        raw("KEN/9000001/24-02", "victim.identified", "2024-05-01 10:05", victim="V1",
            kind="person", name=NAME, date_of_birth=DOB,
            contact={"email": EMAIL, "phone": PHONE, "address": ADDRESS}, **case),
        raw("KEN/9000001/24-03", "interview.video_recorded", "2024-05-09 23:30", victim="V1",
            consent_sought=True, **case),
        raw("KEN/9000001/24-04", "interview.video_recorded", "2024-05-10 00:30", victim="V1",
            consent_sought=False, **case),
        raw("KEN/9000001/24-05", "suspect.arrested", "2024-05-11 09:00", **case),
        raw("KEN/9000001/24-06", "contact.made", "2024-05-11 15:00", victim="V1",
            channel="phone", answers="KEN/9000001/24-05", summary=SUMMARY, **case),
        raw("KEN/9000001/24-07", "interview.video_recorded", "2024-06-01 11:00", victim="V1",
            consent_sought=True, **case),
        raw("KEN/9000001/24-08", "correction.recorded", "2024-06-02 11:00",
            corrects="KEN/9000001/24-07", withdrawn=True, reason=REASON, **case),
    ]


@pytest.fixture
def frozen():
    with clock.frozen(NOW):
        yield NOW


@pytest.fixture
def feed(db, frozen):
    """The feed imported at NOW; the clock stays at NOW for the test."""
    lines = [json.dumps(line) for line in generate(cases=60, seed=11, year=2024)]
    lines += [json.dumps(line) for line in personal_lines()]
    feed_import(lines=lines, source="synthetic and personal")
    return NOW
