import datetime as dt

import pytest

from tests.helpers import lines, raw
from victimjourney.accounts.services import staff_create
from victimjourney.core import clock
from victimjourney.duties.services import feed_import

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def now():
    with clock.frozen(NOW):
        yield NOW


@pytest.fixture
def kent_case(db, now):
    """A Kent case: a 15-year-old victim of domestic abuse; a suspect arrested on Tuesday."""
    feed_import(lines=lines(
        raw("k1", "crime.reported", "2026-11-23 09:00", case="KEN/1/26", offence="assault",
            domestic_abuse=True),
        raw("k2", "victim.identified", "2026-11-23 09:00", case="KEN/1/26", victim="V1",
            kind="person", name="Alex Smith", date_of_birth="2011-06-01",
            contact={"address": "1 Safe Street", "phone": "07700 900123"}),
        raw("k3", "suspect.arrested", "2026-11-24 15:00", case="KEN/1/26"),
    ), source="test")
    return "KEN/1/26"


def signed_in(client, username, organisation, role):
    staff_create(username=username, password="correct horse battery", organisation=organisation,
                 role=role)
    client.login(username=username, password="correct horse battery")
    return client


@pytest.fixture
def kent_officer(client, db):
    return signed_in(client, "officer", "police:kent", "investigating_officer")
