"""The linkage pages: restricted by role, every use audited, forbidden looks like missing."""

import pytest

from tests.linkage.conftest import load, signed_in
from tests.linkage.test_services import ALEX, OTHERS, TWIN
from victimjourney.audit.models import AuditEntry
from victimjourney.linkage.models import CandidateLink, LinkRecord
from victimjourney.linkage.services import link_decide, linkage_run, proposals_find

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(now):
    load([*ALEX, TWIN, *OTHERS], risk_every=2)
    return linkage_run(now=now)


def _link(left: str, right: str) -> CandidateLink:
    return CandidateLink.objects.get(left__case__reference=left, right__case__reference=right)


@pytest.mark.parametrize(("role", "lookup", "review", "categorise"), [
    ("call_handler", 200, 404, 404),
    ("investigating_officer", 200, 404, 200),
    ("victim_care_officer", 200, 200, 200),
    ("supervisor", 200, 200, 200),
    ("cps_lawyer", 404, 404, 404),
    ("inspector", 404, 404, 404),
])
def test_each_role_uses_only_what_it_needs(client, db, role, lookup, review, categorise):
    signed_in(client, "user", "police:kent", role)
    assert client.get("/linkage/first-contact/").status_code == lookup
    assert client.get("/linkage/review/").status_code == review
    assert client.get("/linkage/proposals/").status_code == categorise


def test_linkage_needs_sign_in(client):
    response = client.get("/linkage/first-contact/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_a_call_handler_sees_earlier_reports_at_first_contact_and_it_is_audited(client, linked):
    signed_in(client, "handler", "police:kent", "call_handler")
    page = client.post("/linkage/first-contact/", {
        "name": "Alex Brown", "date_of_birth": "1985-03-02", "phone": "07700 900001"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "This person has probably reported before: 3 earlier reports" in text
    assert "Metropolitan Police Service" in text and "stalking" in text
    # A Kent case opens; the Met case is summarised without its reference.
    assert 'href="/cases/T/KEN/1/"' in text and "T/MET/3" not in text
    assert "high (2 Apr 2026)" in text  # the earlier risk assessment
    entry = AuditEntry.objects.get(action="linkage_lookup")
    assert (entry.actor_name, entry.role) == ("handler", "call_handler")
    assert entry.detail.startswith("first contact: 3 matches of ")


def test_a_role_that_need_not_safeguard_sees_only_how_many_reports_elsewhere(client, linked):
    signed_in(client, "wcu", "police:kent", "witness_care_officer")
    text = client.post("/linkage/first-contact/", {
        "name": "Alex Brown", "date_of_birth": "1985-03-02", "phone": "07700 900001"}
    ).content.decode()
    assert "stalking" not in text
    assert "1 more report to an organisation whose records your role may not see" in text


def test_the_look_up_needs_a_name(client, db):
    signed_in(client, "handler", "police:kent", "call_handler")
    page = client.post("/linkage/first-contact/", {"name": ""})
    assert "There is a problem" in page.content.decode()
    assert not AuditEntry.objects.filter(action="linkage_lookup").exists()


def test_a_victims_earlier_reports_from_the_case(client, linked):
    signed_in(client, "officer", "police:kent", "investigating_officer")
    text = client.get("/linkage/cases/T/KEN/2/victims/V1/").content.decode()
    assert "Possibly the same person" in text
    assert 'href="/cases/T/KEN/1/"' in text
    entry = AuditEntry.objects.get(action="linkage_lookup")
    assert (entry.case_reference, entry.victim_key) == ("T/KEN/2", "V1")


def test_another_forces_case_looks_missing(client, linked):
    signed_in(client, "officer", "police:kent", "investigating_officer")
    hidden = client.get("/linkage/cases/T/MET/3/victims/V1/")
    missing = client.get("/linkage/cases/NOPE/1/victims/V1/")
    assert hidden.status_code == missing.status_code == 404
    assert not AuditEntry.objects.filter(action="linkage_lookup").exists()


def test_a_reviewer_confirms_a_link_with_a_reason(client, linked):
    signed_in(client, "vco", "police:kent", "victim_care_officer")
    link = _link("T/KEN/1", "T/MET/3")
    queue = client.get("/linkage/review/").content.decode()
    assert f'data-link="{link.pk}"' in queue
    page = client.get(f"/linkage/review/{link.pk}/").content.decode()
    assert "different surnames (perhaps a name taken on marriage)" in page
    assert "the same phone number" in page
    assert "Another organisation's case" in page
    missing_reason = client.post(f"/linkage/review/{link.pk}/", {"decision": "confirmed"})
    assert "There is a problem" in missing_reason.content.decode()
    done = client.post(f"/linkage/review/{link.pk}/", {
        "decision": "confirmed", "reason": "Victim confirmed her married name"})
    assert done.status_code == 302
    link.refresh_from_db()
    assert (link.status, link.decided_by, link.reason) == (
        "confirmed", "Vco Tester", "Victim confirmed her married name")
    entry = AuditEntry.objects.get(action="linkage_link_confirmed")
    assert entry.detail == f"link {link.pk} with T/MET/3/V1: Victim confirmed her married name"


def test_a_link_between_other_forces_cases_looks_missing(client, linked):
    signed_in(client, "vco", "police:kent", "victim_care_officer")
    assert client.get("/linkage/review/999999/").status_code == 404
    signed_in(client, "vco2", "police:west-midlands", "victim_care_officer")
    link = _link("T/KEN/1", "T/MET/3")
    assert client.get(f"/linkage/review/{link.pk}/").status_code == 404


def test_a_persons_history_and_the_proposal_flow(client, linked, now):
    signed_in(client, "vco", "police:metropolitan", "victim_care_officer")
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="vco")
    for other in ("T/KEN/2", "T/MET/3"):
        link_decide(user=user, link=_link("T/KEN/1", other), decision="confirmed",
                    reason="same phone", now=now)
    record = LinkRecord.objects.get(case__reference="T/MET/3")
    history = client.get(f"/linkage/people/{record.pk}/").content.decode()
    assert "3 reports, joined by links a person confirmed." in history
    proposal = proposals_find(now=now)[0]
    listing = client.get("/linkage/proposals/").content.decode()
    assert f'data-proposal="{proposal.pk}"' in listing
    done = client.post(f"/linkage/proposals/{proposal.pk}/", {
        "decision": "confirmed", "reason": "a campaign by one neighbour"})
    assert done.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "confirmed"
    assert AuditEntry.objects.filter(action="linkage_category_confirmed",
                                     case_reference="T/MET/3").count() == 1
    case = client.get("/cases/T/MET/3/").content.decode()
    assert "Persistently targeted" in case


def test_a_record_on_a_case_the_user_cannot_see_looks_missing(client, linked):
    signed_in(client, "officer", "police:kent", "investigating_officer")
    record = LinkRecord.objects.get(case__reference="T/MET/3")
    assert client.get(f"/linkage/people/{record.pk}/").status_code == 404
    assert client.get("/linkage/people/999999/").status_code == 404
