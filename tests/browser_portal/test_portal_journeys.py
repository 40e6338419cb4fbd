"""A victim's journeys through the portal in a real browser (Chromium through Playwright).

Every step goes through the pages as a victim (or, for the answer to a message, an officer in
the staff workspace) would use them: forms, links, radios and buttons. Dates are relative to
the real today in London, because the live server runs in another thread, where
`clock.frozen` does not reach.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.browser_portal.conftest import (
    CASE,
    EMAIL,
    axe_check,
    enter_code,
    hearing_time,
    menu_link,
    portal_sign_in,
    request_code,
    screenshot,
    staff_sign_in,
    today,
)
from victimjourney.core.workingdays import add_working_days

pytestmark = pytest.mark.browser


def long_date(day: dt.date) -> str:
    """A date as the portal shows it (Django's "j F Y")."""
    return f"{day.day} {day:%B %Y}"


def success_banner(page) -> str:
    return page.locator(".govuk-notification-banner--success").inner_text()


# --- 1. sign in with a code and see the case -------------------------------------------------

def test_a_victim_signs_in_with_a_code_and_sees_the_timeline_and_the_hearing(page,
                                                                           victim_case):
    page.goto("/portal/")
    page.get_by_role("button", name="Start now").click()
    page.wait_for_url("**/portal/sign-in/")

    code = request_code(page, CASE, EMAIL)
    assert page.get_by_role("heading", level=1).inner_text() == "Enter your code"
    assert page.get_by_label("Code", exact=True).get_attribute("autocomplete") == "one-time-code"
    enter_code(page, code)
    page.wait_for_url("**/portal/case/")

    assert page.get_by_role("heading", level=1).inner_text() == "My case"
    assert f"Crime reference {CASE}" in page.locator("main").inner_text()

    events = [item.inner_text() for item in page.locator("ol.vj-timeline > li").all()]
    texts = [e.splitlines()[-1].strip() for e in events]
    assert texts == [
        "You reported the crime.",
        "A suspect was arrested.",
        "The Crown Prosecution Service made a decision: the suspect will be charged.",
        "The suspect was charged.",
        "A court hearing was arranged.",
    ]
    # Each line is dated, oldest first.
    assert events[0].splitlines()[0].strip() == long_date(today() - dt.timedelta(days=8))

    assert page.get_by_role("heading", name="Coming up").is_visible()
    hearing = hearing_time()
    upcoming = page.locator("h2:has-text('Coming up') + ul li").all_inner_texts()
    assert upcoming == [f"{long_date(hearing.date())}, 10:00: Court hearing"]

    main = page.locator("main").inner_text()
    # Internal assessments and the other victim on the case are never shown.
    assert "risk" not in main.lower()
    assert "Other Person" not in main
    screenshot(page, "portal-case.png")

    # The menu a signed-in victim has; signing out ends the session.
    assert menu_link(page, "My rights").is_visible()
    page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/portal/")
    assert "You have signed out." in success_banner(page)
    page.goto("/portal/case/")
    page.wait_for_url("**/portal/sign-in/")


# --- 2. a message, answered from the workspace -----------------------------------------------

def test_a_message_from_the_victim_is_answered_by_an_officer_in_the_workspace(
        page, new_page, victim_case, make_staff):
    portal_sign_in(page)
    menu_link(page, "Messages").click()
    page.wait_for_url("**/portal/messages/")
    assert "No messages yet." in page.locator("main").inner_text()
    assert "A private message from V2" not in page.locator("main").inner_text()
    page.get_by_label("Your message").fill("When will I hear about the court date?")
    page.get_by_role("button", name="Send message").click()
    page.wait_for_url("**/portal/messages/")
    assert "Your message has been sent to the team on your case." in success_banner(page)
    sent = page.locator("main .govuk-inset-text")
    assert sent.count() == 1
    assert "From you" in sent.inner_text()
    assert "When will I hear about the court date?" in sent.inner_text()

    # A Kent officer, in a browser of their own, answers from the case in the workspace.
    make_staff("officer")
    staff = new_page()
    staff_sign_in(staff, "officer")
    staff.get_by_role("navigation", name="Menu").get_by_role("link", name="Cases").click()
    staff.wait_for_url("**/cases/")
    staff.get_by_role("link", name=CASE).click()
    staff.wait_for_url(f"**/cases/{CASE}/")
    staff.get_by_role("button", name="Record an event").click()
    staff.wait_for_url("**/record/")
    staff.get_by_label(re.compile(r"\(portal\.message\)")).check()
    staff.get_by_role("button", name="Continue").click()
    staff.wait_for_url(f"**/cases/{CASE}/record/portal.message/")
    staff.get_by_label("Victim", exact=True).select_option("V1")
    staff.get_by_label("Direction").select_option("to_victim")
    replies_to = staff.get_by_label("In reply to")
    question = replies_to.locator("option", has_text="portal-").get_attribute("value")
    replies_to.select_option(question)
    staff.get_by_label("Text", exact=True).fill(
        "The hearing is listed. Your witness care officer will call you this week.")
    staff.get_by_role("button", name="Save").click()
    staff.wait_for_url(f"**/cases/{CASE}/")
    assert "Recorded:" in staff.locator(".govuk-notification-banner").inner_text()

    # The victim sees the answer, marked as from the team. (Not its place in the list: the
    # workspace records times to the minute, so an answer within the same minute sorts before
    # the question; see the report.)
    menu_link(page, "Messages").click()
    page.wait_for_url("**/portal/messages/")
    thread = page.locator("main .govuk-inset-text")
    assert thread.count() == 2
    answer = thread.filter(has_text="From the team")
    assert answer.count() == 1
    assert ("The hearing is listed. Your witness care officer will call you this week."
            in answer.inner_text())
    assert "When will I hear about the court date?" in thread.filter(
        has_text="From you").inner_text()
    screenshot(page, "portal-messages.png")


# --- 3. a Victim Personal Statement ----------------------------------------------------------

def test_a_victim_makes_a_victim_personal_statement(victim_page):
    from victimjourney.journey.models import Event

    page = victim_page
    page.get_by_role("link", name="Make or update your Victim Personal Statement").click()
    page.wait_for_url("**/portal/statement/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Make a Victim Personal Statement")
    page.get_by_label("Your Victim Personal Statement").fill(
        "Since the assault I have not been able to sleep or go back to work.")
    page.get_by_label("I would like someone to read it for me").check()
    page.get_by_role("button", name="Send my statement").click()
    page.wait_for_url("**/portal/case/")

    assert "Your Victim Personal Statement has been sent." in success_banner(page)
    assert "You made a Victim Personal Statement." in page.locator(
        "ol.vj-timeline").inner_text()
    made = Event.objects.get(type="vps.made")
    assert (made.victim_key, made.provider_id, made.data["reading_preference"]) == (
        "V1", "victim", "read_for_victim")
    assert made.data["statement"].startswith("Since the assault")


def test_a_statement_without_a_choice_shows_the_error_summary(victim_page):
    page = victim_page
    page.goto("/portal/statement/")
    page.get_by_label("Your Victim Personal Statement").fill("I am afraid to go out.")
    page.get_by_role("button", name="Send my statement").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "There is a problem" in summary.inner_text()
    assert page.title().startswith("Error:")
    # The text typed is kept.
    assert page.get_by_label("Your Victim Personal Statement").input_value() == (
        "I am afraid to go out.")
    axe_check(page)


# --- 4. a complaint, and the duty to answer it -----------------------------------------------

def test_a_complaint_shows_on_my_rights_as_still_to_be_done(victim_page):
    page = victim_page
    menu_link(page, "My rights").click()
    page.wait_for_url("**/portal/rights/")
    complaint_card = page.locator(".govuk-summary-card").filter(
        has=page.get_by_role("heading", name="Response to a complaint", exact=True))
    assert complaint_card.count() == 0
    # A right not met by its deadline offers a complaint.
    breached = page.locator(".govuk-summary-card", has_text="Not done by the deadline")
    assert breached.count() >= 1
    breached.first.get_by_role("link", name="make a complaint").click()
    page.wait_for_url("**/portal/complaint/")
    assert page.get_by_role("heading", level=1).inner_text() == "Make a complaint"
    page.get_by_label("Kent Police").check()
    page.get_by_label("What went wrong?").fill("Nobody told me the suspect had been arrested.")
    page.get_by_role("button", name="Make the complaint").click()
    page.wait_for_url("**/portal/rights/")

    assert "Your complaint has been sent." in success_banner(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Your rights in this case"
    card = complaint_card
    assert card.count() == 1
    assert card.locator(".govuk-tag").inner_text().strip() == "Still to be done"

    def row(key: str) -> str:
        return card.locator(".govuk-summary-list__row", has=page.locator(
            "dt", has_text=key)).locator("dd").inner_text().strip()

    assert row("Has it been done?") == "Still to be done"
    assert row("Who owes it") == "Kent Police"
    assert row("By when") == long_date(add_working_days(today(), 10))
    screenshot(page, "portal-rights.png")
