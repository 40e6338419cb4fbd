"""The practitioners' workspace in a real browser (Chromium through Playwright).

Every step goes through the pages as a practitioner would use them: the sign-in form, the
navigation, buttons, radios and selects. Dates are relative to the real today in London,
because the live server runs in another thread, where `clock.frozen` does not reach.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tests.browser.conftest import (
    LONDON,
    axe_check,
    event,
    feed,
    screenshot,
    sign_in,
    today,
    years_before,
)
from victimjourney.core.workingdays import add_working_days

pytestmark = pytest.mark.browser

CASE = "KEN/1/26"
MO_FILE = (Path(__file__).resolve().parents[2] / "victimjourney" / "locale" / "cy"
           / "LC_MESSAGES" / "django.mo")


def short_date(day: dt.date) -> str:
    """A date as the duty table shows it (Django's "j M Y")."""
    return f"{day.day} {day:%b %Y}"


@pytest.fixture
def kent_case(reference_data):
    """A Kent case: a 15-year-old victim; a suspect arrested two days ago; the CPS has charged
    and set a special measures flag; the Witness Care Unit has a hearing listed."""
    now = dt.datetime.now(LONDON).replace(microsecond=0)
    start = now - dt.timedelta(days=3)
    feed(
        event("k1", "crime.reported", start, case=CASE, offence="assault"),
        event("k2", "victim.identified", start + dt.timedelta(minutes=5), case=CASE,
              victim="V1", kind="person", name="Alex Smith",
              date_of_birth=years_before(start.date(), 15).isoformat(),
              contact={"phone": "07700 900123"}),
        event("k3", "suspect.arrested", now - dt.timedelta(days=2), case=CASE),
        event("k4", "cps.decision", now - dt.timedelta(days=1), case=CASE,
              provider="cps:south-east", decision="charge"),
        event("k5", "flag.set", now - dt.timedelta(days=1, minutes=-30), case=CASE,
              provider="cps:south-east", victim="V1", flag="special_measures",
              note="Live link", review_on=(today() + dt.timedelta(days=60)).isoformat()),
        event("k6", "hearing.listed", now - dt.timedelta(hours=2), case=CASE,
              provider="wcu:kent"),
    )
    return CASE


def duty_row(page, entitlement: str, victim: str = "V1"):
    return page.locator(f"section#victim-{victim} tr[data-entitlement='{entitlement}']")


def record_an_event(page, event_type: str) -> None:
    """From the case page: Record an event, choose the radio for EVENT_TYPE, Continue."""
    page.get_by_role("button", name="Record an event").click()
    page.wait_for_url("**/record/")
    page.get_by_label(re.compile(rf"\({re.escape(event_type)}\)")).check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**/record/{event_type}/")


# --- 1. an investigating officer's journey ---------------------------------------------------

def test_an_officer_records_a_crime_an_arrest_and_the_call_that_meets_the_duty(page, make_staff):
    make_staff("officer")
    sign_in(page, "officer")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Cases").click()
    page.wait_for_url("**/cases/")
    page.get_by_role("button", name="Record a new crime").click()
    page.get_by_label("Crime reference number").fill("KEN/77/26")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/cases/new/KEN/77/26/report/")

    page.get_by_label("Offence", exact=True).fill("assault")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/cases/KEN/77/26/record/victim.identified/")
    banner = page.locator(".govuk-notification-banner")
    assert "Crime recorded. Now add the victim." in banner.inner_text()

    dob = years_before(today(), 15)
    page.get_by_label("Kind of victim").select_option("person")
    page.get_by_label("Name", exact=True).fill("Alex Smith")
    page.get_by_label("Date of birth").fill(dob.isoformat())
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/cases/KEN/77/26/")
    page.get_by_role("heading", name="V1: Alex Smith").wait_for()

    record_an_event(page, "suspect.arrested")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/cases/KEN/77/26/")

    row = duty_row(page, "suspect_arrested")
    assert row.count() == 1
    assert row.get_attribute("data-status") == "open"
    due = add_working_days(today(), 1)
    assert row.locator("td").nth(2).inner_text().strip() == short_date(due)
    assert row.locator(".govuk-tag").inner_text().strip() == "Open"
    row.get_by_text("Why, and the source").click()
    explanation = row.locator(".govuk-details__text")
    assert explanation.is_visible()
    text = explanation.inner_text()
    assert "1 working day" in text
    assert "under 18" in text

    record_an_event(page, "contact.made")
    page.get_by_label("Victim", exact=True).select_option("V1")
    page.get_by_label("Channel").select_option("phone")
    answers = page.get_by_label("Which event does this contact answer?")
    # An option names the event by its type or its description, with its date and id.
    arrest = answers.locator(
        "option", has_text=re.compile(r"suspect\.arrested|A suspect was arrested")
    ).get_attribute("value")
    answers.select_option(arrest)
    page.get_by_label("What was said").fill("Told Alex's mother of the arrest")
    screenshot(page, "record-event.png")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/cases/KEN/77/26/")

    assert "Recorded:" in page.locator(".govuk-notification-banner").inner_text()
    row = duty_row(page, "suspect_arrested")
    assert row.get_attribute("data-status") == "met"
    assert row.locator(".govuk-tag").inner_text().strip() == "Met"


# --- 2. the Witness Care Unit sees the CPS's flag --------------------------------------------

def test_the_witness_care_unit_sees_the_special_measures_flag_set_by_the_cps(page, make_staff,
                                                                              kent_case):
    make_staff("wcu", organisation="wcu:kent", role="witness_care_officer")
    sign_in(page, "wcu")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Cases").click()
    page.get_by_role("link", name=kent_case).click()
    page.wait_for_url(f"**/cases/{kent_case}/")

    flag = page.locator("section#flags [data-flag='special_measures'][data-victim='V1']")
    assert flag.count() == 1
    text = flag.inner_text()
    assert "Live link" in text
    assert "Set by CPS South East" in text
    review = today() + dt.timedelta(days=60)
    assert f"review by {short_date(review)}" in text
    assert "needs review" not in text


# --- 3. another force cannot tell the case exists --------------------------------------------

def test_another_forces_officer_gets_not_found_as_for_a_made_up_reference(page, make_staff,
                                                                          kent_case):
    make_staff("met", organisation="police:metropolitan")
    sign_in(page, "met")

    hidden = page.goto(f"/cases/{kent_case}/")
    hidden_body = hidden.body()
    hidden_text = page.locator("body").inner_text()
    missing = page.goto("/cases/KEN/999/99/")
    assert hidden.status == missing.status == 404
    assert hidden_body == missing.body()
    assert page.locator("body").inner_text() == hidden_text

    page.goto("/cases/")
    page.get_by_label("Crime reference number").fill("KEN")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/cases/?q=KEN")
    assert page.get_by_role("link", name=kent_case).count() == 0
    assert "No cases found." in page.locator("table").inner_text()


# --- 4. Cymraeg ------------------------------------------------------------------------------

def test_the_welsh_switch(page, make_staff):
    make_staff("officer")
    sign_in(page, "officer")
    assert page.locator("html").get_attribute("lang") == "en"

    page.get_by_role("navigation", name="Language").get_by_role("link", name="Cymraeg").click()
    page.wait_for_url("**/duties/")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "cy"
    english = page.locator(".govuk-language-navigation a[hreflang='en']")
    assert english.inner_text().strip() == "English"
    assert english.get_attribute("lang") == "en"
    if MO_FILE.exists():
        assert page.locator("h1").inner_text().strip() != "My duties"

    english.click()
    page.wait_for_url("**/duties/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text().strip() == "My duties"


def test_a_recording_form_offers_todays_date_in_english(page, make_staff, kent_case):
    make_staff("officer")
    sign_in(page, "officer")
    page.goto(f"/cases/{kent_case}/record/contact.made/")
    assert page.locator("#id_occurred_on").input_value() == today().isoformat()


# Date inputs take only yyyy-mm-dd values, so the form renders dates in ISO format whatever
# the language (forms.DATE_WIDGET): in Welsh the date must not be lost.
def test_a_recording_form_offers_todays_date_in_welsh(page, make_staff, kent_case):
    make_staff("officer")
    sign_in(page, "officer")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Cymraeg").click()
    page.wait_for_url("**/duties/")
    page.goto(f"/cases/{kent_case}/record/contact.made/")
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.locator("#id_occurred_on").input_value() == today().isoformat()


# --- 5. accessibility ------------------------------------------------------------------------

def test_the_header_service_name_has_enough_contrast(page, site):
    page.goto("/sign-in/")
    axe_check(page)


def test_sign_in_page_is_accessible(page, site):
    page.goto("/sign-in/")
    screenshot(page, "sign-in.png")
    axe_check(page)


def test_sign_in_errors_are_accessible(page, make_staff):
    make_staff("officer")
    page.goto("/sign-in/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    page.locator(".govuk-error-summary").wait_for()
    axe_check(page)


@pytest.fixture
def officer_page(page, make_staff, kent_case):
    make_staff("officer")
    sign_in(page, "officer")
    return page


def test_my_duties_is_accessible(officer_page):
    page = officer_page
    assert page.get_by_role("heading", level=1).inner_text() == "My duties"
    assert page.get_by_role("link", name=CASE).count() >= 1  # there are duties to list
    screenshot(page, "my-duties.png")
    axe_check(page)


def test_the_cases_list_is_accessible(officer_page):
    page = officer_page
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Cases").click()
    page.wait_for_url("**/cases/")
    assert page.get_by_role("link", name=CASE).count() == 1
    axe_check(page)


def test_a_case_page_with_duties_and_a_flag_is_accessible(officer_page):
    page = officer_page
    page.goto(f"/cases/{CASE}/")
    assert page.locator("section#flags [data-flag='special_measures']").count() == 1
    assert page.locator("tr[data-entitlement]").count() > 0
    screenshot(page, "case-page.png")
    axe_check(page)


def test_the_record_an_event_chooser_is_accessible(officer_page):
    page = officer_page
    page.goto(f"/cases/{CASE}/")
    page.get_by_role("button", name="Record an event").click()
    page.wait_for_url("**/record/")
    axe_check(page)


def test_a_recording_form_with_errors_is_accessible(officer_page):
    page = officer_page
    page.goto(f"/cases/{CASE}/")
    record_an_event(page, "contact.made")
    page.get_by_label("Date it happened").fill((today() + dt.timedelta(days=400)).isoformat())
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "There is a problem" in summary.inner_text()
    assert "must not be in the future" in summary.inner_text()
    # GOV.UK Frontend's JavaScript runs, and moves the focus to the error summary.
    assert "govuk-frontend-supported" in (page.locator("body").get_attribute("class") or "")
    page.wait_for_function(
        "document.activeElement && document.activeElement.classList.contains"
        "('govuk-error-summary')")
    screenshot(page, "record-event-errors.png")
    axe_check(page)


def test_sign_in_with_the_keyboard_alone(page, make_staff):
    make_staff("officer")
    page.goto("/sign-in/")

    page.keyboard.press("Tab")
    first = page.evaluate("[document.activeElement.textContent.trim(), "
                          "document.activeElement.getAttribute('href')]")
    assert first == ["Skip to main content", "#main-content"]

    for _ in range(10):
        if page.evaluate("document.activeElement.id") == "id_username":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_username"
    page.keyboard.type("officer")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.type("correct horse battery")
    page.keyboard.press("Enter")
    page.wait_for_url("**/duties/")
    assert page.get_by_role("heading", level=1).inner_text() == "My duties"
