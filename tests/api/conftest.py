"""API fixtures: keys of three organisations and a Kent case, at a frozen instant."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from tests.helpers import lines, raw
from victimjourney.api.services import api_key_create
from victimjourney.core import clock
from victimjourney.duties.services import feed_import

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
KENT_CASE = "KEN/1/26"


@pytest.fixture
def now():
    with clock.frozen(NOW):
        yield NOW


class ApiClient:
    """Django's test client with an organisation's API key."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.token = token

    def _headers(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **params: Any):
        return self.client.get(path, params, **self._headers())

    def post(self, path: str, body: Any):
        return self.client.post(path, json.dumps(body), content_type="application/json",
                                **self._headers())


def key_for(organisation: str, name: str = "case system") -> ApiClient:
    _key, token = api_key_create(organisation=organisation, name=name)
    return ApiClient(token)


@pytest.fixture
def kent(db, now) -> ApiClient:
    return key_for("police:kent")


@pytest.fixture
def essex(db, now) -> ApiClient:
    return key_for("police:essex")


@pytest.fixture
def cps_south_east(db, now) -> ApiClient:
    """The CPS area that prosecutes Kent's cases."""
    return key_for("cps:south-east")


def kent_feed() -> list[dict]:
    """A 15-year-old victim of domestic abuse in Kent; a suspect arrested on Tuesday."""
    return [
        raw("k1", "crime.reported", "2026-11-23 09:00", case=KENT_CASE, offence="assault",
            domestic_abuse=True),
        raw("k2", "victim.identified", "2026-11-23 09:00", case=KENT_CASE, victim="V1",
            kind="person", name="Alex Smith", date_of_birth="2011-06-01",
            contact={"address": "1 Safe Street", "phone": "07700 900123"}),
        raw("k3", "suspect.arrested", "2026-11-24 15:00", case=KENT_CASE),
    ]


@pytest.fixture
def kent_case(db, now) -> str:
    feed_import(lines=lines(*kent_feed()), source="test")
    return KENT_CASE
