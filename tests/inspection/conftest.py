import datetime as dt
import json

import pytest
from django.core.cache import cache

from victimjourney.core import clock
from victimjourney.duties.services import feed_import
from victimjourney.organisations.services import reference_load
from victimjourney.synthetic.generator import generate

NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def reference_data(request):
    """The shipped organisations (a data migration loads them; a run without migrations,
    `--nomigrations`, needs them loaded here). Idempotent."""
    if "django_db" in request.keywords or "db" in request.fixturenames:
        request.getfixturevalue("db")
        reference_load()


@pytest.fixture
def data(db):
    """A synthetic 2024 (400 cases), imported as of NOW; the dashboards' cache emptied."""
    cache.clear()
    with clock.frozen(NOW):
        feed_import(lines=[json.dumps(line) for line in generate(cases=400, seed=11,
                                                                 year=2024)],
                    source="synthetic")
    yield
    cache.clear()
