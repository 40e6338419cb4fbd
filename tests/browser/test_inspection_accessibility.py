"""The inspectorates' dashboards in a real browser, in English and in Welsh: no WCAG 2.2 AA
violation found by axe-core on the overview (chart and tables), a metric's page (breakdown,
funnel plot) and the samples page (form)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.browser.conftest import axe_check, sign_in, today

METRIC = "entitlement.suspect_charged"


@pytest.fixture
def inspector_page(page, make_staff):
    from django.core.cache import cache

    from victimjourney.duties.services import feed_import
    from victimjourney.synthetic.generator import generate

    cache.clear()  # the dashboards' figures are cached a quarter of an hour (by earlier tests)

    start = dt.datetime.combine(today() - dt.timedelta(days=200), dt.time(9),
                                tzinfo=dt.UTC)
    now = dt.datetime.now(dt.UTC)
    events = [e for e in generate(cases=80, seed=7, start=start)
              if dt.datetime.fromisoformat(e["occurred_at"]) <= now]
    feed_import(lines=[json.dumps(e) + "\n" for e in events], source="browser-test")
    make_staff("inspector", "police:metropolitan", "inspector")
    sign_in(page, "inspector")
    yield page
    cache.clear()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_dashboards_are_accessible_in_either_language(inspector_page, language):
    page = inspector_page
    page.goto(f"/language/{language}/?next=/inspection/")
    page.wait_for_url("**/inspection/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("[data-testid=findings] tbody tr").count() > 0
    assert page.locator("svg").count() >= 1  # the chart is on the page
    axe_check(page)

    page.goto(f"/inspection/metrics/{METRIC}/?year=all")
    assert page.get_by_role("heading", level=1).count() == 1
    axe_check(page)

    page.goto("/inspection/samples/")
    assert page.locator("form").count() >= 1
    axe_check(page)
