"""A case whose events carry every kind of contact detail, and helpers to read the database
as it is stored (raw SQL, past the model fields that decrypt)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from tests.helpers import lines, raw
from victimjourney.core import clock, crypto
from victimjourney.duties.services import feed_import

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
REF = "KEN/7/26"
EMAIL = "sam.hughes@example.invalid"
PHONE = "07700 900456"
ADDRESS = "12 Quiet Lane, Ashford"
SAFE = "only after 6pm, never at the house"
NEW_PHONE = "07700 900789"
FLAG_NOTE = "use the sister's number"
PLAINTEXTS = (EMAIL, PHONE, ADDRESS, SAFE, NEW_PHONE, FLAG_NOTE, "900456", "Quiet Lane")

FEED = [
    raw("s1", "crime.reported", "2026-11-16 09:00", case=REF, offence="assault",
        domestic_abuse=True),
    raw("s2", "victim.identified", "2026-11-16 09:00", case=REF, victim="V1", kind="person",
        name="Sam Hughes", contact={"email": EMAIL, "phone": PHONE, "address": ADDRESS,
                                    "safe_contact": SAFE}),
    raw("s3", "suspect.arrested", "2026-11-17 10:00", case=REF),
    raw("s4", "victim.preferences_updated", "2026-11-18 10:00", case=REF, victim="V1",
        channel="sms", contact_times="evenings", phone=NEW_PHONE),
    raw("s5", "flag.set", "2026-11-18 11:00", case=REF, victim="V1", flag="safe_contact",
        note=FLAG_NOTE, review_on="2027-05-18"),
    raw("s6", "correction.recorded", "2026-11-19 09:00", case=REF, corrects="s2",
        reason="address misspelt", replacement={"data": {"contact": {
            "email": EMAIL, "phone": PHONE, "address": ADDRESS, "safe_contact": SAFE}}}),
]


@pytest.fixture
def now():
    with clock.frozen(NOW):
        yield NOW


@pytest.fixture
def sealed_case(db, now):
    feed_import(lines=lines(*FEED), source="test")
    return REF


def new_key() -> str:
    return crypto.generate_key()


def stored(table: str, column: str, where: str = "", params: tuple = ()) -> list[str]:
    """The column's values as the database holds them, as text."""
    sql = f"SELECT CAST({column} AS TEXT) FROM {table} {where} ORDER BY 1"
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return [row[0] for row in cursor.fetchall()]


def event_data(event_id: str) -> str:
    [value] = stored("journey_event", "data", "WHERE id = %s", (event_id,))
    return value


def assert_no_plaintext(values: list[str]) -> None:
    for value in values:
        for secret in PLAINTEXTS:
            assert secret not in value, (secret, value)
