"""Real-browser tests of the victim portal: Chromium driven by Playwright against pytest-django's
live server.

This suite keeps its own fixtures (it does not import tests/browser), so that the staff
workspace suite and this one can change independently; Chromium itself comes from
tests/chromium.py, as for every suite that drives a browser.

Playwright's sync API runs an event loop in the test thread, so Django would refuse database
work there ("You cannot call this from an async context"); the tests only drive a browser and
set up data, so the check is switched off before anything starts.

The live server runs in a thread of this process with Django's test (locmem) email backend, so
the sign-in code a victim is emailed is read from `django.core.mail.outbox` in the test.
"""

from __future__ import annotations

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import datetime as dt
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.chromium import chromium

LONDON = ZoneInfo("Europe/London")
PASSWORD = "correct horse battery"
VIEWPORT = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

CASE = "KEN/31/26"
EMAIL = "sam.hughes@example.invalid"
OTHER_EMAIL = "other.person@example.invalid"


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a real Chromium through Playwright")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


# --- the browser -----------------------------------------------------------------------------

@pytest.fixture(scope="package")
def browser():
    """Chromium for this package's tests; closed when they are done (package scope), so that a
    suite collected after this one can start Playwright again in the same process."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A test database of their own for these tests (test_<name>_browser_portal), so that a
    PostgreSQL run of them drops neither the database of another run on the same server nor
    that of the workspace browser tests. (In a whole-suite run the database is set up before
    these tests and this changes nothing.)
    """
    from django.conf import settings

    for db in settings.DATABASES.values():
        test = db.setdefault("TEST", {})
        if db["ENGINE"] == "django.db.backends.sqlite3" and not test.get("NAME"):
            continue  # an in-memory database, private to this run
        test["NAME"] = f"{test.get('NAME') or 'test_' + db['NAME']}_browser_portal"


@pytest.fixture
def reference_data(transactional_db):
    """The shipped organisations. A data migration loads them, but the flush that ends each
    transactional test empties the table, so they are put back before each browser test."""
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
    """Open a fresh browser context (its own cookies) and page; closed at the end.
    VIEWPORT: the window size (1280 x 900 unless given)."""
    contexts = []

    def make(viewport: dict | None = None):
        context = browser.new_context(base_url=site, viewport=viewport or VIEWPORT,
                                      locale="en-GB", timezone_id="Europe/London")
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

def today() -> dt.date:
    return dt.datetime.now(LONDON).date()


def feed(*events: dict) -> None:
    """Import journey events as the feed would."""
    from victimjourney.duties.services import feed_import

    feed_import(lines=[json.dumps(e) + "\n" for e in events], source="browser-portal-test")


def event(eid: str, etype: str, when: dt.datetime, *, case: str = CASE,
          provider: str = "police:kent", victim: str | None = None, **data) -> dict:
    line = {"id": eid, "type": etype, "case": case, "provider": provider,
            "occurred_at": when.isoformat(), "data": data}
    if victim:
        line["victim"] = victim
    return line


def hearing_time() -> dt.datetime:
    """The listed hearing: three weeks ahead, at 10:00 in London."""
    return dt.datetime.combine(today() + dt.timedelta(days=21), dt.time(10, 0), tzinfo=LONDON)


@pytest.fixture
def victim_case(reference_data):
    """A Kent case (dates relative to the real today, because the live server's thread does not
    see `clock.frozen`): Sam Hughes (V1, email on record) reported an assault eight days ago; a
    suspect was arrested, the CPS charged and the suspect was charged; the Witness Care Unit has
    a hearing listed three weeks ahead. A second victim (V2) has a private message that Sam
    must never see."""
    now = dt.datetime.now(LONDON).replace(microsecond=0)
    start = now - dt.timedelta(days=8)
    feed(
        event("c1", "crime.reported", start, offence="assault"),
        event("c2", "victim.identified", start + dt.timedelta(minutes=5), victim="V1",
              kind="person", name="Sam Hughes", contact={"email": EMAIL}),
        event("c3", "victim.identified", start + dt.timedelta(minutes=10), victim="V2",
              kind="person", name="Other Person", contact={"email": OTHER_EMAIL}),
        event("c4", "risk_assessment.completed", start + dt.timedelta(hours=1), level="high"),
        event("c5", "suspect.arrested", now - dt.timedelta(days=6)),
        event("c6", "cps.decision", now - dt.timedelta(days=4), provider="cps:south-east",
              decision="charge"),
        event("c7", "suspect.charged", now - dt.timedelta(days=4, minutes=-30)),
        event("c8", "hearing.listed", now - dt.timedelta(days=2), provider="wcu:kent",
              hearing_at=hearing_time().isoformat()),
        event("c9", "portal.message", now - dt.timedelta(days=1), victim="V2",
              provider="victim", direction="from_victim", text="A private message from V2"),
    )
    return CASE


@pytest.fixture
def make_staff(reference_data, settings):
    """Make staff users. Their passwords are hashed with a fast hasher for this test only
    (the staff sign-in is not what this suite tests, and the default PBKDF2 costs a second or
    more per hash on a busy machine); the live server thread sees the same settings."""
    from victimjourney.accounts.services import staff_create

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    def make(username: str, organisation: str = "police:kent",
             role: str = "investigating_officer"):
        staff_create(username=username, password=PASSWORD, organisation=organisation, role=role)
        return username

    return make


def staff_sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Sign in to the staff workspace through its sign-in form and wait for My duties."""
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/duties/")


# --- the portal sign-in ----------------------------------------------------------------------

def request_code(page, reference: str = CASE, contact: str = EMAIL) -> str:
    """Fill in the portal's sign-in form, wait for the code page, and return the 6-digit code
    emailed to CONTACT (read from the test outbox, which the live server thread shares)."""
    from django.core import mail

    mail.outbox.clear()
    if not page.url.endswith("/portal/sign-in/"):
        page.goto("/portal/sign-in/")
    page.get_by_label("Crime reference number").fill(reference)
    page.get_by_label("Email address or mobile phone number").fill(contact)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/portal/code/")
    assert len(mail.outbox) == 1, "no sign-in code was emailed"
    message = mail.outbox[0]
    assert message.to == [contact]
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found, message.body
    return found.group(1)


def enter_code(page, code: str) -> None:
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_role("button", name="Sign in").click()


def portal_sign_in(page, reference: str = CASE, contact: str = EMAIL) -> None:
    """Sign in as the victim through the real forms and wait for My case."""
    enter_code(page, request_code(page, reference, contact))
    page.wait_for_url("**/portal/case/")


@pytest.fixture
def victim_page(page, victim_case):
    """A browser page signed in to the portal as Sam Hughes (V1), on My case."""
    portal_sign_in(page)
    return page


def menu_link(page, name: str):
    return page.get_by_role("navigation", name="Menu").get_by_role("link", name=name)


def wait_for_frontend(page) -> None:
    """Wait until GOV.UK Frontend's JavaScript (a module) has started Exit this page."""
    page.locator(".govuk-exit-this-page__indicator").wait_for(state="attached")


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
