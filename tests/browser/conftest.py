"""Real-browser tests: Chromium driven by Playwright against pytest-django's live server.

Playwright's sync API runs an event loop in the test thread, so Django would refuse database
work there ("You cannot call this from an async context"); the tests only drive a browser and
set up data, so the check is switched off before anything starts.
"""

from __future__ import annotations

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.chromium import chromium

LONDON = ZoneInfo("Europe/London")
PASSWORD = "correct horse battery"
VIEWPORT = {"width": 1280, "height": 900}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a real Chromium through Playwright")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


# --- the browser -----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A test database of their own for the browser tests (test_<name>_browser), so that a
    PostgreSQL run of them does not drop the database of another run on the same server.
    (In a whole-suite run the database is set up before these tests and this changes nothing.)
    """
    from django.conf import settings

    for db in settings.DATABASES.values():
        test = db.setdefault("TEST", {})
        if db["ENGINE"] == "django.db.backends.sqlite3" and not test.get("NAME"):
            continue  # an in-memory database, private to this run
        test["NAME"] = f"{test.get('NAME') or 'test_' + db['NAME']}_browser"


@pytest.fixture
def reference_data(transactional_db):
    """The shipped organisations. A data migration loads them, but the flush that ends each
    transactional test empties the table, so they are put back before each browser test.
    (pytest-django runs transactional tests after all the others, so no non-transactional
    test ever finds the table empty.)"""
    from victimjourney.organisations.models import Organisation
    from victimjourney.organisations.reference import shipped_organisations

    existing = set(Organisation.objects.values_list("code", flat=True))
    Organisation.objects.bulk_create([
        Organisation(code=r.code, kind=r.kind, name=r.name, force=r.force, cps_area=r.cps_area,
                     probation_region=r.probation_region, country=r.country,
                     population=r.population, shipped=True)
        for r in shipped_organisations().values() if r.code not in existing
    ])


@pytest.fixture
def site(live_server, reference_data):
    """The live server's base URL, with the reference data in place."""
    return live_server.url


@pytest.fixture
def new_page(browser, site):
    """Open a fresh browser context (its own cookies) and page; closed at the end."""
    contexts = []

    def make():
        context = browser.new_context(base_url=site, viewport=VIEWPORT, locale="en-GB",
                                      timezone_id="Europe/London")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


# --- people and data -------------------------------------------------------------------------

@pytest.fixture
def make_staff(reference_data):
    from victimjourney.accounts.services import staff_create

    def make(username: str, organisation: str = "police:kent",
             role: str = "investigating_officer"):
        staff_create(username=username, password=PASSWORD, organisation=organisation, role=role)
        return username

    return make


def sign_in(page, username: str, password: str = PASSWORD, landing: str = "**/duties/") -> None:
    """Sign in through the real sign-in form and wait for the page it lands on (My duties)."""
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(landing)


def today() -> dt.date:
    return dt.datetime.now(LONDON).date()


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def feed(*events: dict) -> None:
    """Import journey events as the feed would."""
    from victimjourney.duties.services import feed_import

    feed_import(lines=[json.dumps(e) + "\n" for e in events], source="browser-test")


def event(eid: str, etype: str, when: dt.datetime, *, case: str, provider: str = "police:kent",
          victim: str | None = None, **data) -> dict:
    line = {"id": eid, "type": etype, "case": case, "provider": provider,
            "occurred_at": when.isoformat(), "data": data}
    if victim:
        line["victim"] = victim
    return line


# --- checks ----------------------------------------------------------------------------------

def axe_check(page, exclude: list[str] | None = None) -> None:
    """Run axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) on the page and require no
    violations. EXCLUDE: CSS selectors of elements left out (for a known, reported bug)."""
    from axe_playwright_python.sync_playwright import Axe

    context = {"exclude": [[selector] for selector in exclude]} if exclude else None
    results = Axe().run(page, context=context, options={
        "runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    violations = results.response["violations"]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {node['target']}: {node.get('failureSummary', '')}".replace("\n", " ")
                    for node in v["nodes"])
        for v in violations
    )
    if violations:
        print(f"axe violations on {page.url}:\n{report}")
    assert not violations, f"axe found {len(violations)} violation(s) on {page.url}:\n{report}"


def screenshot(page, name: str) -> Path:
    """A full-page PNG in docs/screenshots/ (overwritten each run)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=True)
    return path
