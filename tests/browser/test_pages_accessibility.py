"""The rest of the staff pages in a real browser: no WCAG 2.2 AA violation found by axe-core
on the team view, a group of My duties, opening a case, a letter, notification supervision and
the repeat-victim pages, in English and in Welsh."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_check, sign_in
from tests.browser.test_workspace import CASE, kent_case  # noqa: F401 (a fixture)

PAGES = (
    "/duties/team/",
    "/duties/?show=undated",
    "/cases/new/",
    f"/cases/{CASE}/letter/?event=k3&victim=V1",
    "/notifications/",
    "/linkage/",
    "/linkage/first-contact/",
    "/linkage/review/",
    "/linkage/proposals/",
)


@pytest.fixture
def supervisor_page(page, make_staff, kent_case):  # noqa: F811
    make_staff("supervisor", "police:kent", "supervisor")
    sign_in(page, "supervisor")
    return page


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_other_staff_pages_are_accessible(supervisor_page, language):
    page = supervisor_page
    page.goto(f"/language/{language}/?next=/duties/")
    page.wait_for_url("**/duties/")
    for url in PAGES:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        assert page.locator("html").get_attribute("lang") == language
        assert page.get_by_role("heading", level=1).count() == 1, url
        axe_check(page)
