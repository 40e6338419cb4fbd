"""The channel rules, as a table: preference, then safety."""

import datetime as dt
import random

import pytest

from tests.helpers import ev
from victimjourney.notifications.kinds import KINDS, kind_for
from victimjourney.notifications.rules import channel_order, flags_in_force, retry_delay

CASE_NOTICE = KINDS["arrested"]
FULL = {"email": "a@example.org", "phone": "07700 900123", "address": "1 A St\nB\nME1 1AA"}


@pytest.mark.parametrize(("contact", "flags", "order"), [
    (FULL, set(), ["email", "sms", "letter", "phone"]),
    ({**FULL, "preferred": "letter"}, set(), ["letter", "email", "sms", "phone"]),
    ({**FULL, "preferred_channel": "sms"}, set(), ["sms", "email", "letter", "phone"]),
    ({**FULL, "preferred": "carrier pigeon"}, set(), ["email", "sms", "letter", "phone"]),
    ({**FULL, "phone_unsafe": True}, set(), ["email", "letter", "phone"]),
    ({**FULL, "phone_unsafe": "yes", "preferred": "sms"}, set(), ["email", "letter", "phone"]),
    ({**FULL, "phone_safe": False}, set(), ["email", "letter", "phone"]),
    ({**FULL, "email_unsafe": True}, set(), ["sms", "letter", "phone"]),
    ({**FULL, "address_shared_with_suspect": True}, set(), ["email", "sms", "phone"]),
    (FULL, {"do_not_send_letters"}, ["email", "sms", "phone"]),
    (FULL, {"safe_contact"}, ["phone"]),
    ({**FULL, "safe_channels": ["sms"]}, {"safe_contact"}, ["sms", "phone"]),
    (FULL, {"interpreter"}, ["phone"]),
    ({**FULL, "portal": True}, set(), ["email", "sms", "letter", "portal", "phone"]),
    ({"preferred": "portal"}, set(), ["portal", "phone"]),
    ({"address": "just one line"}, set(), ["letter", "phone"]),
    ({}, {"special_measures"}, ["phone"]),
])
def test_channel_order(contact, flags, order):
    assert channel_order(contact, flags, CASE_NOTICE) == order


def test_codes_go_only_by_text_or_email_and_invitations_never_to_the_portal():
    assert channel_order({**FULL, "preferred": "letter"}, set(), KINDS["one_time_code"]) == [
        "email", "sms"]
    assert channel_order({"address": "1 A St\nB\nME1 1AA"}, set(), KINDS["one_time_code"]) == []
    assert channel_order({**FULL, "portal": True, "preferred": "portal"}, set(),
                         KINDS["portal_invitation"]) == ["email", "sms", "letter"]


def test_flags_follow_the_latest_setting_for_that_victim():
    events = [
        ev("f1", "flag.set", "2026-11-20 10:00", victim="V1", flag="safe_contact",
           review_on="2027-01-01"),
        ev("f2", "flag.set", "2026-11-20 11:00", victim="V2", flag="interpreter",
           review_on="2027-01-01"),
        ev("f3", "flag.cleared", "2026-11-21 10:00", victim="V1", flag="safe_contact",
           reason="moved"),
        ev("f4", "flag.set", "2026-11-22 10:00", victim="V1", flag="do_not_send_letters",
           review_on="2027-01-01"),
    ]
    assert flags_in_force(reversed(events), "V1") == {"do_not_send_letters"}
    assert flags_in_force(events, "V2") == {"interpreter"}


@pytest.mark.parametrize(("entitlement", "trigger", "kind"), [
    ("suspect_bailed_or_rui", "suspect.bailed", "bailed"),
    ("suspect_bailed_or_rui", "suspect.released_under_investigation", "released_rui"),
    ("vrr_information_police", "suspect.released_no_further_action", "released_nfa"),
    ("complaint_response", "complaint.received", "complaint_ack"),
    ("needs_assessment_police", "crime.reported", None),  # a service, not a notice
])
def test_which_kind_answers_a_duty(entitlement, trigger, kind):
    found = kind_for(entitlement, trigger)
    assert (found.code if found else None) == kind


def test_backoff_doubles_up_to_the_cap_with_jitter():
    rng = random.Random(5)
    waits = [retry_delay(n, base=30, cap=3600, rng=rng) for n in range(1, 10)]
    ceilings = [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    for wait, ceiling in zip(waits, ceilings, strict=True):
        assert dt.timedelta(seconds=ceiling / 2) <= wait <= dt.timedelta(seconds=ceiling)
