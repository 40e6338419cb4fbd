"""The victim portal: passwordless sign-in, the victim's own case, and actions as events."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client

from tests.helpers import lines, raw
from victimjourney.core import clock
from victimjourney.duties.models import Duty
from victimjourney.duties.services import feed_import
from victimjourney.journey.models import Event
from victimjourney.victims.models import Victim

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
REF = "KEN/5/26"


@pytest.fixture
def now():
    with clock.frozen(NOW):
        yield NOW


@pytest.fixture
def case(now):
    feed_import(lines=lines(
        raw("p1", "crime.reported", "2026-11-16 09:00", case=REF, offence="assault"),
        raw("p2", "victim.identified", "2026-11-16 09:00", case=REF, victim="V1",
            kind="person", name="Sam Hughes", contact={"email": "sam@example.invalid",
                                                       "phone": "07700 900456"}),
        raw("p3", "victim.identified", "2026-11-16 09:30", case=REF, victim="V2",
            kind="person", name="Other Person", contact={"email": "other@example.invalid"}),
        raw("p4", "risk_assessment.completed", "2026-11-16 10:00", case=REF, level="high"),
        raw("p5", "suspect.arrested", "2026-11-17 10:00", case=REF),
        raw("p6", "suspect.released_no_further_action", "2026-11-18 10:00", case=REF,
            reason="insufficient evidence"),
        raw("p7", "portal.message", "2026-11-19 10:00", case=REF, victim="V2",
            direction="from_victim", text="A private message from V2"),
    ), source="test")
    return REF


def sign_in(client, reference=REF, contact="sam@example.invalid"):
    mail.outbox.clear()
    client.post("/portal/sign-in/", {"reference": reference, "contact": contact})
    if not mail.outbox:
        return None
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    return client.post("/portal/code/", {"code": code})


def test_a_victim_signs_in_with_a_code_sent_to_the_email_on_record(client, case):
    response = sign_in(client)
    assert response.status_code == 302 and response["Location"] == "/portal/case/"
    message = mail.outbox[-1]
    assert message.to == ["sam@example.invalid"]
    assert REF not in message.body and "assault" not in message.body  # no case details
    page = client.get("/portal/case/").content.decode()
    assert "A suspect was arrested." in page
    assert "The suspect was released without charge." in page
    assert "risk" not in page.lower()  # internal assessments are not shown


def test_nothing_reveals_whether_a_reference_or_address_exists(client, case):
    known = client.post("/portal/sign-in/", {"reference": REF, "contact": "sam@example.invalid"},
                        follow=True)
    unknown = Client().post("/portal/sign-in/", {"reference": "NOPE/1/26",
                                                 "contact": "nobody@example.invalid"},
                            follow=True)
    wrong_address = Client().post("/portal/sign-in/", {"reference": REF,
                                                       "contact": "x@example.invalid"},
                                  follow=True)
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", known.content.decode()) == strip.sub("", unknown.content.decode())
    assert strip.sub("", known.content.decode()) == strip.sub("",
                                                              wrong_address.content.decode())
    assert len(mail.outbox) == 1


def test_brute_forcing_codes_locks_the_reference(client, case):
    client.post("/portal/sign-in/", {"reference": REF, "contact": "sam@example.invalid"})
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        response = client.post("/portal/code/", {"code": wrong})
        assert response.status_code == 200
    assert "Too many wrong codes" in response.content.decode()
    response = client.post("/portal/code/", {"code": code})
    assert "Too many wrong codes" in response.content.decode()
    assert client.get("/portal/case/").status_code == 302


def test_a_code_expires_after_ten_minutes(client, case):
    client.post("/portal/sign-in/", {"reference": REF, "contact": "sam@example.invalid"})
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    with clock.frozen(NOW + dt.timedelta(minutes=11)):
        response = client.post("/portal/code/", {"code": code})
    assert "has expired" in response.content.decode()


def test_a_code_works_once(client, case):
    client.post("/portal/sign-in/", {"reference": REF, "contact": "sam@example.invalid"})
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    assert client.post("/portal/code/", {"code": code}).status_code == 302
    other = Client()
    other.post("/portal/sign-in/", {"reference": REF, "contact": "nobody@example.invalid"})
    assert other.post("/portal/code/", {"code": code}).status_code == 200


def test_a_session_ends_after_twenty_idle_minutes_or_when_the_victim_signs_out(client, case):
    sign_in(client)
    with clock.frozen(NOW + dt.timedelta(minutes=21)):
        assert client.get("/portal/case/").status_code == 302
    sign_in(client)
    assert client.get("/portal/case/").status_code == 200
    client.post("/portal/sign-out/")
    assert client.get("/portal/case/").status_code == 302


PAGES = ["/portal/case/", "/portal/rights/", "/portal/messages/", "/portal/preferences/",
         "/portal/updates/", "/portal/statement/", "/portal/review/", "/portal/complaint/",
         "/portal/rate/suspect_arrested/"]


@pytest.mark.parametrize("url", PAGES)
def test_every_portal_page_needs_sign_in_and_shows_only_the_victims_own_case(client, case, url):
    assert client.get(url).status_code == 302
    sign_in(client)
    text = client.get(url).content.decode()
    assert "A private message from V2" not in text
    assert "Other Person" not in text
    assert "govuk-exit-this-page" in text


def test_a_complaint_opens_the_ten_working_day_duty(client, case):
    sign_in(client)
    response = client.post("/portal/complaint/", {"about": "police:kent",
                                                  "text": "Nobody told me about the arrest"})
    assert response.status_code == 302
    duty = Duty.objects.get(entitlement="complaint_response")
    assert (duty.provider_id, duty.victim.key, duty.due_date, duty.status) == (
        "police:kent", "V1", dt.date(2026, 12, 10), "open")


def test_a_victim_asks_for_a_review_of_the_police_decision(client, case):
    sign_in(client)
    response = client.post("/portal/review/", {"decision": "p6", "reasons": "I saw it"})
    assert response.status_code == 302
    request = Event.objects.get(type="right_to_review.requested")
    assert (request.provider_id, request.victim_key, request.data["scheme"],
            request.data["decision"]) == ("victim", "V1", "police", "p6")
    assert Duty.objects.filter(entitlement="police_vrr", victim__key="V1").exists()


def test_a_victim_makes_a_statement_and_changes_preferences(client, case):
    sign_in(client)
    client.post("/portal/statement/", {"statement": "I cannot sleep.",
                                       "reading_preference": "read_for_victim"})
    assert Event.objects.get(type="vps.made").data["reading_preference"] == "read_for_victim"
    client.post("/portal/preferences/", {"channel": "sms", "language": "cy",
                                         "contact_times": "after 6pm"})
    victim = Victim.objects.get(case__reference=REF, key="V1")
    assert (victim.contact["channel"], victim.contact["contact_times"], victim.language) == (
        "sms", "after 6pm", "cy")


def test_opting_out_of_updates_makes_later_update_duties_not_applicable(client, case):
    sign_in(client)
    client.post("/portal/updates/", {"updates": "no"})
    feed_import(lines=lines(raw("p9", "suspect.charged", "2026-11-26 11:00", case=REF)),
                source="test")
    duty = Duty.objects.get(entitlement="suspect_charged", victim__key="V1")
    assert duty.status == "not_applicable"


def test_messages_go_to_the_team_and_answers_come_back(client, case):
    sign_in(client)
    client.post("/portal/messages/", {"text": "When is the hearing?"})
    sent = Event.objects.get(type="portal.message", victim_key="V1")
    feed_import(lines=lines(raw("p10", "portal.message", "2026-11-26 11:30", case=REF,
                                victim="V1", direction="to_victim", in_reply_to=sent.id,
                                text="We will tell you as soon as it is listed.")),
                source="test")
    page = client.get("/portal/messages/").content.decode()
    assert "When is the hearing?" in page
    assert "We will tell you as soon as it is listed." in page


def test_a_rating_is_stored_against_the_entitlement(client, case):
    sign_in(client)
    client.post("/portal/rate/suspect_arrested/", {"rating": "4"})
    rated = Event.objects.get(type="service.rated")
    assert (rated.data["entitlement"], rated.data["rating"]) == ("suspect_arrested", 4)


def test_csrf_is_enforced(case):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/portal/sign-in/", {"reference": REF,
                                                "contact": "sam@example.invalid"})
    assert response.status_code == 403
    assert not mail.outbox


def welsh_speaker_in_gwent(ref: str, email: str, *more: dict) -> None:
    """A Gwent case whose victim V1 speaks Welsh and gave EMAIL; MORE events after."""
    feed_import(lines=lines(
        raw(f"{ref}-1", "crime.reported", "2026-11-16 09:00", case=ref, offence="assault",
            provider="police:gwent"),
        raw(f"{ref}-2", "victim.identified", "2026-11-16 09:00", case=ref, victim="V1",
            kind="person", name="Cerys", language="cy", provider="police:gwent",
            contact={"email": email}),
        *more), source="test")


def test_a_welsh_speaking_victim_is_answered_in_welsh_unless_the_browser_chose(client):
    ref = "GWE/8/26"
    with clock.frozen(NOW):
        welsh_speaker_in_gwent(ref, "cerys@example.invalid")
        response = sign_in(client, reference=ref, contact="cerys@example.invalid")
        assert response.cookies["django_language"].value == "cy"
        assert 'lang="cy"' in client.get("/portal/case/").content.decode()
        chose = Client()
        chose.get("/language/en/?next=/portal/")
        assert "django_language" not in sign_in(chose, reference=ref,
                                                contact="cerys@example.invalid").cookies
        assert 'lang="en"' in chose.get("/portal/case/").content.decode()
