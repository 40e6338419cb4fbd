"""The practitioners' workspace through Django's test client."""

import pytest

from tests.workspace.conftest import signed_in
from victimjourney.audit.models import AuditEntry
from victimjourney.duties.models import Duty
from victimjourney.journey.models import Event

pytestmark = pytest.mark.django_db


def test_pages_need_sign_in(client):
    response = client.get("/duties/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
    assert client.get("/sign-in/").status_code == 200


def test_my_duties_lists_what_is_owed_with_the_reason(kent_officer, kent_case):
    text = kent_officer.get("/duties/").content.decode()
    assert "Suspect arrested" in text
    assert "KEN/1/26" in text
    assert "Owed by Kent Police by the end of Wednesday 25 November 2026: 1 working day" in text


def test_the_case_page_shows_victims_categories_duties_and_timeline(kent_officer, kent_case):
    response = kent_officer.get("/cases/KEN/1/26/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "the victim was under 18 on the offence date (aged 15 on 23 November 2026)" in text
    assert "domestic abuse, one of the most serious crimes" in text
    assert 'data-entitlement="suspect_arrested" data-status="breached"' in text
    assert "1 Safe Street" in text  # an investigating officer needs the address
    assert "A suspect was arrested." in text
    assert "kind: Person; victim V1" in text  # a catalogue choice by its label, not its code


def test_the_case_page_in_welsh_reads_the_engines_reasons_in_welsh(kent_officer, kent_case):
    kent_officer.get("/language/cy/?next=/duties/")
    text = kent_officer.get("/cases/KEN/1/26/").content.decode()
    # The category's tag, its derived reason and its history, and the duties' reasons.
    assert ">agored i niwed</strong> roedd y dioddefwr o dan 18 oed ar ddyddiad y drosedd " \
           "(15 oed ar 23 Tachwedd 2026)" in text
    assert "roedd y dioddefwr yn ddioddefwr cam-drin domestig, un o’r troseddau mwyaf " \
           "difrifol" in text
    assert "yn berthnasol (yn deillio o’r ffeithiau)" in text
    assert "math: Person; dioddefwr V1" in text  # the timeline: a choice by its label
    for english in ("the victim was under 18", "one of the most serious crimes",
                    ">vulnerable<", "applies (derived)", "kind: person"):
        assert english not in text


def test_the_recording_form_in_welsh_has_welsh_heading_and_hints(kent_officer, kent_case):
    kent_officer.get("/language/cy/?next=/duties/")
    text = kent_officer.get("/cases/KEN/1/26/record/contact.made/").content.decode()
    assert "Cyswllt â’r dioddefwr: y dystiolaeth sy’n cyflawni dyletswydd." in text
    assert "y digwyddiad y mae’r cyswllt hwn yn cyflawni ei ddyletswydd" in text
    for english in ("Contact with the victim", "the event whose duty this contact fulfils"):
        assert english not in text


def test_every_view_of_a_case_is_audited(kent_officer, kent_case):
    kent_officer.get("/cases/KEN/1/26/")
    entry = AuditEntry.objects.get(action="view_case")
    assert (entry.actor_name, entry.organisation, entry.role, entry.case_reference,
            entry.detail) == ("officer", "police:kent", "investigating_officer", "KEN/1/26",
                              "victims: V1")


def test_another_forces_officer_gets_not_found_like_a_missing_case(client, kent_case):
    signed_in(client, "met", "police:metropolitan", "investigating_officer")
    hidden = client.get("/cases/KEN/1/26/")
    missing = client.get("/cases/NOPE/1/26/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert not AuditEntry.objects.filter(action="view_case").exists()
    assert "KEN/1/26" not in client.get("/cases/?q=KEN").content.decode()


def test_a_domestic_abuse_victims_address_is_hidden_from_roles_without_need(client, kent_case):
    signed_in(client, "handler", "police:kent", "call_handler")
    text = client.get("/cases/KEN/1/26/").content.decode()
    assert "1 Safe Street" not in text
    assert "shown only to the roles that must contact or protect them" in text


def test_an_inspector_reads_every_case_but_cannot_record(client, kent_case):
    signed_in(client, "hmi", "police:metropolitan", "inspector")
    assert client.get("/cases/KEN/1/26/").status_code == 200
    assert client.get("/cases/KEN/1/26/record/contact.made/").status_code == 404


def test_recording_a_phone_call_meets_the_duty(kent_officer, kent_case):
    response = kent_officer.post("/cases/KEN/1/26/record/contact.made/", {
        "occurred_on": "2026-11-25", "occurred_time": "10:30", "victim": "V1",
        "channel": "phone", "answers": "k3", "summary": "Told Alex's mother of the arrest",
    })
    assert response.status_code == 302
    duty = Duty.objects.get(entitlement="suspect_arrested")
    assert duty.status == "met"
    assert Event.objects.get(pk=duty.fulfilled_by_id).provider_id == "police:kent"
    assert AuditEntry.objects.filter(action="record_event", detail="contact.made").exists()


def test_a_form_error_is_shown_in_the_error_summary_and_nothing_is_saved(kent_officer,
                                                                          kent_case):
    before = Event.objects.count()
    response = kent_officer.post("/cases/KEN/1/26/record/contact.made/", {
        "occurred_on": "2026-11-25", "occurred_time": "10:30", "victim": "V1",
        "channel": "carrier pigeon", "answers": "k3"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text
    assert "govuk-error-summary" in text
    assert Event.objects.count() == before


def test_an_officer_records_a_new_crime_and_its_victim(kent_officer, now):
    response = kent_officer.post("/cases/new/", {"reference": "KEN/9/26"})
    assert response["Location"] == "/cases/new/KEN/9/26/report/"
    response = kent_officer.post("/cases/new/KEN/9/26/report/", {
        "occurred_on": "2026-11-25", "occurred_time": "09:00", "offence": "burglary",
        "channel": "call_handling"})
    assert response.status_code == 302
    response = kent_officer.post("/cases/KEN/9/26/record/victim.identified/", {
        "occurred_on": "2026-11-25", "occurred_time": "09:05", "kind": "person",
        "name": "Sam Jones", "date_of_birth": "2011-01-01"})
    assert response.status_code == 302
    duty = Duty.objects.get(case__reference="KEN/9/26", entitlement="referral_to_victim_services")
    assert (duty.provider_id, duty.enhanced, duty.status) == ("police:kent", True, "open")


def test_a_supervisor_sees_the_team_view(client, kent_case):
    signed_in(client, "sup", "police:kent", "supervisor")
    text = client.get("/duties/team/").content.decode()
    assert "suspect_arrested" in text


def test_the_language_switch_sets_welsh_and_goes_back(kent_officer):
    response = kent_officer.get("/language/cy/?next=/duties/")
    assert response.status_code == 302
    assert response["Location"] == "/duties/"
    assert response.cookies["django_language"].value == "cy"
    off_site = kent_officer.get("/language/cy/?next=https://evil.example/")
    assert off_site["Location"] == "/"


def test_a_flag_set_by_the_cps_is_shown_to_the_witness_care_unit(client, kent_case, now):
    cps = signed_in(client, "lawyer", "cps:south-east", "cps_lawyer")
    # The CPS becomes involved in the case by recording on it; first, let it see the case.
    from tests.helpers import lines, raw
    from victimjourney.duties.services import feed_import

    feed_import(lines=lines(raw("k4", "cps.decision", "2026-11-25 10:00", case="KEN/1/26",
                                provider="cps:south-east", decision="charge")), source="t")
    response = cps.post("/cases/KEN/1/26/record/flag.set/", {
        "occurred_on": "2026-11-25", "occurred_time": "11:00", "victim": "V1",
        "flag": "special_measures", "note": "Live link granted", "review_on": "2026-11-01"})
    assert response.status_code == 302
    client.logout()
    signed_in(client, "wcu", "wcu:kent", "witness_care_officer")
    feed_import(lines=lines(raw("k5", "hearing.listed", "2026-11-25 12:00", case="KEN/1/26",
                                provider="wcu:kent")), source="t")
    text = client.get("/cases/KEN/1/26/").content.decode()
    assert 'data-flag="special_measures"' in text
    assert "Live link granted" in text
    assert "Set by CPS South East" in text
    assert "needs review" in text  # its review date has passed


def test_a_needs_assessment_is_a_questionnaire_and_confirms_the_categories_it_shows(
        kent_officer, kent_case):
    answers = {f"q_{q}": "no" for q in ("communication", "impairment", "fear", "repeat",
                                         "support", "specialist_support", "special_measures")}
    answers.update({"q_fear": "yes", "q_specialist_support": "yes", "q_language": "Welsh"})
    response = kent_officer.post("/cases/KEN/1/26/record/needs_assessment.completed/", {
        "occurred_on": "2026-11-24", "occurred_time": "10:00", "victim": "V1", **answers})
    assert response.status_code == 302
    event = Event.objects.get(type="needs_assessment.completed")
    assert event.data["answers"]["fear"] == "yes"
    assert event.data["answers"]["language"] == "Welsh"
    assert event.data["specialist_support_needed"] is True
    category = Event.objects.get(type="victim.categorised")
    assert (category.victim_key, category.data["category"], category.data["confirmed_by"]) == (
        "V1", "intimidated", "officer")
    assert Duty.objects.get(entitlement="needs_assessment_police").status == "met"


def test_a_questionnaire_left_unanswered_is_an_error(kent_officer, kent_case):
    response = kent_officer.post("/cases/KEN/1/26/record/wcu.needs_assessment.completed/", {
        "occurred_on": "2026-11-24", "occurred_time": "10:00", "victim": "V1"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
