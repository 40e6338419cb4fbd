"""The victim portal's accessibility, Welsh, small screens and Exit this page, in Chromium.

axe-core checks WCAG 2.0, 2.1 and 2.2 at levels A and AA; the 320-pixel checks are WCAG 1.4.10
(Reflow: no scrolling in two dimensions at 320 CSS pixels); Exit this page is the GOV.UK Design
System component every portal page carries (its keyboard shortcut is Shift pressed three
times). The external page it leaves for is intercepted, so no request leaves the machine.
"""

from __future__ import annotations

import pytest

from tests.browser_portal.conftest import (
    NARROW,
    axe_check,
    enter_code,
    menu_link,
    portal_sign_in,
    request_code,
    screenshot,
    wait_for_frontend,
)

pytestmark = pytest.mark.browser

SIGNED_IN_PAGES = {
    "My case": "/portal/case/",
    "My rights": "/portal/rights/",
    "Messages": "/portal/messages/",
    "statement form": "/portal/statement/",
    "complaint form": "/portal/complaint/",
    "data request": "/portal/your-data/",
}
H1 = {
    "My case": "My case",
    "My rights": "Your rights in this case",
    "Messages": "Messages",
    "statement form": "Make a Victim Personal Statement",
    "complaint form": "Make a complaint",
    "data request": "Ask for a copy of your personal data",
}
EXIT_TARGET = "**/*bbc.co.uk/**"


def h1(page) -> str:
    return page.get_by_role("heading", level=1).inner_text().strip()


def exit_button(page):
    return page.locator(".govuk-exit-this-page__button")


def wrong(code: str) -> str:
    """A 6-digit code that is certainly not CODE."""
    return f"{(int(code) + 1) % 10**6:06d}"


# --- 6. axe: WCAG 2.2 AA ---------------------------------------------------------------------

def test_the_start_page_is_accessible(page, site):
    page.goto("/portal/")
    assert h1(page) == "Follow your case as a victim of crime"
    assert exit_button(page).is_visible()
    wait_for_frontend(page)
    screenshot(page, "portal-start.png")
    axe_check(page)


def test_the_sign_in_page_is_accessible(page, site):
    page.goto("/portal/sign-in/")
    assert h1(page) == "Sign in to follow your case"
    axe_check(page)


def test_the_code_page_is_accessible_also_with_a_wrong_code(page, victim_case):
    code = request_code(page)
    assert h1(page) == "Enter your code"
    axe_check(page)

    enter_code(page, wrong(code))
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "There is a problem" in summary.inner_text()
    assert "The code is not right, or it has expired." in summary.inner_text()
    assert page.title().startswith("Error:")
    # The summary links to the field, and GOV.UK Frontend moves the focus to the summary.
    assert summary.get_by_role("link").first.get_attribute("href") == "#id_code"
    page.wait_for_function(
        "document.activeElement && document.activeElement.classList.contains"
        "('govuk-error-summary')")
    axe_check(page)

    # The right code still works after a wrong one.
    enter_code(page, code)
    page.wait_for_url("**/portal/case/")


def test_the_signed_in_pages_are_accessible(victim_page):
    """My case, My rights, Messages (with a message in the list), the statement form and the
    complaint form, in one signed-in session (one sign-in keeps the suite quick); every page
    is checked before the test fails, and the report names each page's violations."""
    page = victim_page
    menu_link(page, "Messages").click()
    page.get_by_label("Your message").fill("Is there any news?")
    page.get_by_role("button", name="Send message").click()
    page.locator(".govuk-notification-banner--success").wait_for()

    failures = {}
    for name, url in SIGNED_IN_PAGES.items():
        page.goto(url)
        assert h1(page) == H1[name]
        assert exit_button(page).is_visible()
        try:
            axe_check(page)
        except AssertionError as exc:
            failures[name] = str(exc)
    assert not failures, "\n".join(failures.values())


# --- 5. Cymraeg ------------------------------------------------------------------------------

def test_the_cymraeg_switch_gives_welsh_and_keeps_the_victim_signed_in(victim_page):
    page = victim_page
    assert page.locator("html").get_attribute("lang") == "en"
    language = page.get_by_role("navigation", name="Language")
    language.get_by_role("link", name="Cymraeg").click()
    page.wait_for_url("**/portal/case/")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "cy"
    english = page.locator(".govuk-language-navigation a[hreflang='en']")
    assert english.inner_text().strip() == "English"
    assert english.get_attribute("lang") == "en"
    assert page.locator(".govuk-language-navigation [aria-current='true']").inner_text() == (
        "Cymraeg")
    # Still signed in: the case is there, and the sign-out button is in Welsh.
    assert page.locator("ol.vj-timeline > li").count() == 5
    assert page.get_by_role("button", name="Allgofnodi").count() == 1

    english.click()
    page.wait_for_url("**/portal/case/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert h1(page) == "My case"


def test_in_welsh_the_portal_text_is_welsh(page, site):
    page.goto("/portal/")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Cymraeg").click()
    page.wait_for_url("**/portal/")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "cy"
    english = {
        "heading": "Follow your case as a victim of crime",
        "start button": "Start now",
        "exit button": "Emergency Exit this page",
    }
    shown = {
        "heading": h1(page),
        "start button": page.locator(".govuk-button--start").inner_text().strip(),
        "exit button": " ".join(exit_button(page).inner_text().split()),
    }
    still_english = {k for k in english if shown[k] == english[k]}
    assert not still_english, f"still in English with lang=cy: {sorted(still_english)}"


# --- 7. 320 pixels wide ----------------------------------------------------------------------

def fits_320(page) -> list[str]:
    """What is wrong with the page at 320 pixels: horizontal scrolling, or an Exit this page
    button that is hidden or not wholly on screen."""
    problems = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > NARROW["width"]:
        problems.append(f"scrollWidth {width}")
    button = exit_button(page)
    if not button.is_visible():
        problems.append("Exit this page is not visible")
    else:
        box = button.bounding_box()
        if box["x"] < 0 or box["x"] + box["width"] > NARROW["width"] or box["y"] < 0:
            problems.append(f"Exit this page is off screen: {box}")
    return problems


def test_the_signed_out_pages_fit_320_pixels(new_page, victim_case):
    page = new_page(NARROW)
    found = {}
    page.goto("/portal/")
    found["start"] = fits_320(page)
    page.goto("/portal/sign-in/")
    found["sign-in"] = fits_320(page)
    code = request_code(page)
    found["code"] = fits_320(page)
    enter_code(page, wrong(code))
    page.locator(".govuk-error-summary").wait_for()
    found["code with an error"] = fits_320(page)
    assert {k: v for k, v in found.items() if v} == {}


def test_the_signed_in_pages_fit_320_pixels(new_page, victim_case):
    page = new_page(NARROW)
    portal_sign_in(page)
    found = {}
    for name, url in SIGNED_IN_PAGES.items():
        page.goto(url)
        assert h1(page) == H1[name]
        found[name] = fits_320(page)
        if name == "My case":
            screenshot(page, "portal-case-mobile.png")
    assert {k: v for k, v in found.items() if v} == {}


# --- 8. Exit this page -----------------------------------------------------------------------

def test_pressing_shift_three_times_leaves_the_page(victim_page):
    page = victim_page
    page.route(EXIT_TARGET, lambda route: route.fulfill(status=200, body="ok"))
    wait_for_frontend(page)
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(EXIT_TARGET)
    assert page.url == "https://www.bbc.co.uk/weather"
    assert "/portal/" not in page.url
    assert page.locator("body").inner_text().strip() == "ok"

