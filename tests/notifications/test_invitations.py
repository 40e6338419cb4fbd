"""Portal invitations: automatic when the crime is recorded (unless unsafe or unsuitable), and
on a person's request (a `portal.invited` event), once each, saying nothing about the case."""

from __future__ import annotations

import pytest

from tests.helpers import lines, raw
from tests.notifications.conftest import EMAIL_ONLY, EVERYTHING, event, feed, only_delivery
from victimjourney.duties.services import feed_import
from victimjourney.notifications.models import Notice

pytestmark = pytest.mark.django_db

R = "KEN/90/26"


def _import(reference: str, victims: list[dict], *, day: str = "2026-11-25",
            domestic: bool = False, recorded: bool = True) -> None:
    extra = {"domestic_abuse": True} if domestic else {}
    rows = [raw(f"{reference}-r", "crime.reported", f"{day} 09:00", case=reference,
                offence="assault occasioning actual bodily harm", **extra)]
    for n, v in enumerate(victims, 1):
        rows.append(raw(f"{reference}-v{n}", "victim.identified", f"{day} 09:05",
                        case=reference, victim=v.pop("key", f"V{n}"), **v))
    if recorded:
        rows.append(raw(f"{reference}-rec", "crime.recorded", f"{day} 10:00", case=reference))
    feed_import(lines=lines(*rows), source="test")


def _invitations(reference: str) -> list[Notice]:
    return list(Notice.objects.filter(case__reference=reference, kind="portal_invitation")
                .order_by("key"))


def _person(**extra) -> dict:
    return {"kind": "person", "name": "Sam Jones", "contact": EMAIL_ONLY, **extra}


def test_recording_the_crime_invites_the_victim_once_with_nothing_about_the_case(now):
    _import(R, [_person()])
    (notice,) = _invitations(R)
    assert notice.key.startswith("portal-invite:auto:")
    assert notice.sender_id == "police:kent"
    assert only_delivery(notice).channel == "email"
    assert "http://127.0.0.1:8000/portal/sign-in/" in notice.alert_text
    assert "crime reference number" in notice.alert_text
    for detail in ("assault", R, "Sam"):
        assert detail not in notice.alert_subject + notice.alert_text
    feed(event(R, "a", "suspect.arrested", "2026-11-25 15:00"))  # a later import
    assert len(_invitations(R)) == 1


def test_a_child_is_not_invited_but_their_parent_is(now):
    _import(R, [_person(date_of_birth="2015-04-01"),
                {"key": "P1", "kind": "parent_or_guardian", "name": "Alex Jones",
                 "on_behalf_of": "V1", "contact": {"email": "alex@example.org"}}])
    assert [n.victim.key for n in _invitations(R)] == ["P1"]


def test_domestic_abuse_waits_for_a_person_to_confirm_a_safe_contact(now):
    _import(R, [_person(contact={**EVERYTHING, "safe_channels": ["email"]})], domestic=True)
    assert _invitations(R) == []
    feed(event(R, "f", "flag.set", "2026-11-25 16:00", victim="V1", flag="safe_contact",
               note="email only", review_on="2027-05-25"))
    (notice,) = _invitations(R)
    assert only_delivery(notice).channel == "email"


def test_a_victim_who_opted_out_of_everything_is_not_invited(now):
    reference = "KEN/91/26"
    feed_import(lines=lines(
        raw(f"{reference}-r", "crime.reported", "2026-11-25 09:00", case=reference,
            offence="criminal damage"),
        raw(f"{reference}-v", "victim.identified", "2026-11-25 09:05", case=reference,
            victim="V1", kind="person", name="Sam Jones", contact=EMAIL_ONLY),
        raw(f"{reference}-o", "victim.opted_out", "2026-11-25 09:10", case=reference,
            victim="V1", entitlements=["all"]),
        raw(f"{reference}-rec", "crime.recorded", "2026-11-25 10:00", case=reference),
    ), source="test")
    assert _invitations(reference) == []


def test_an_old_crime_invites_nobody(now):
    _import(R, [_person()], day="2026-06-01")
    assert _invitations(R) == []


def test_automatic_invitations_can_be_switched_off(now, settings):
    settings.PORTAL_AUTO_INVITE = False
    _import(R, [_person()])
    assert _invitations(R) == []


def test_a_person_invites_by_the_channel_they_choose_even_where_automatic_would_not(now):
    _import(R, [_person(contact=EVERYTHING)], domestic=True, recorded=False)
    assert _invitations(R) == []
    feed(event(R, "i", "portal.invited", "2026-11-25 17:00", victim="V1", channel="sms"))
    (notice,) = _invitations(R)
    assert notice.key == f"portal-invite:{R}-i"
    assert only_delivery(notice).channel == "sms"
    feed(event(R, "rec", "crime.recorded", "2026-11-25 18:00"))
    assert len(_invitations(R)) == 1  # already invited: no automatic one as well


def test_no_invitation_without_a_channel_that_may_be_used(now):
    _import(R, [_person(contact={"email": "sam@example.org", "email_unsafe": True})])
    assert _invitations(R) == []


def test_the_invitation_reaches_the_victim_and_its_link_lets_them_sign_in(now, wired, mailbox,
                                                                          client):
    import re

    from django.core import mail

    from tests.notifications.test_delivery import send

    _import(R, [_person()])
    (notice,) = _invitations(R)
    assert send(only_delivery(notice)) == "delivered"
    (message,) = mailbox.to("sam@example.org")
    body = message.get_payload(decode=True).decode()
    link = re.search(r"http://127\.0\.0\.1:8000(/portal/sign-in/)", body).group(1)
    page = client.get(link)
    assert page.status_code == 200 and "crime reference" in page.content.decode().lower()
    wired.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    client.post(link, {"reference": R, "contact": "sam@example.org"})
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    assert client.post("/portal/code/", {"code": code})["Location"] == "/portal/case/"
    assert "The police recorded the crime." in client.get("/portal/case/").content.decode()
