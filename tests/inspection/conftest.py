import pytest

from victimjourney.organisations.services import reference_load


@pytest.fixture(autouse=True)
def reference_data(request):
    """The shipped organisations (a data migration loads them; a run without migrations,
    `--nomigrations`, needs them loaded here). Idempotent."""
    if "django_db" in request.keywords or "db" in request.fixturenames:
        request.getfixturevalue("db")
        reference_load()
