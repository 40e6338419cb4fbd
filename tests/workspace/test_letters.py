"""Letters from the one case record: every agency states the same facts."""

import pytest

from tests.helpers import lines, raw
from tests.workspace.conftest import signed_in
from victimjourney.audit.models import AuditEntry
from victimjourney.cases.models import Case
from victimjourney.duties.services import feed_import
from victimjourney.letters.content import letter_for
from victimjourney.organisations.reference import shipped_organisations

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(now):
    feed_import(lines=lines(
        raw("d1", "crime.reported", "2026-11-02 09:00", case="KEN/2/26", offence="harassment"),
        raw("d2", "victim.identified", "2026-11-02 09:00", case="KEN/2/26", victim="V1",
            kind="person", name="Rhian Evans", language="cy"),
        raw("d3", "cps.decision", "2026-11-20 10:00", case="KEN/2/26",
            provider="cps:south-east", decision="discontinue"),
        raw("d4", "hearing.listed", "2026-11-21 10:00", case="KEN/2/26", provider="wcu:kent"),
    ), source="test")
    return Case.objects.get(reference="KEN/2/26")


def test_the_cps_and_the_witness_care_unit_state_the_same_facts(decided):
    orgs = shipped_organisations()
    victim = decided.victims.get(key="V1")
    event = decided.events.get(id="d3")
    cps = letter_for(case=decided, victim=victim, event=event, sender=orgs["cps:south-east"],
                     dated=event.occurred_at.date())
    wcu = letter_for(case=decided, victim=victim, event=event, sender=orgs["wcu:kent"],
                     dated=event.occurred_at.date())
    assert cps.facts == wcu.facts
    assert (cps.sender, wcu.sender) == ("CPS South East", "Kent Witness Care Unit")
    assert cps.language == "cy"


def test_a_letter_is_in_the_victims_language_and_prints_as_pdf(client, decided):
    signed_in(client, "wcu", "wcu:kent", "witness_care_officer")
    page = client.get("/cases/KEN/2/26/letter/?event=d3&victim=V1")
    assert page.status_code == 200
    assert 'lang="cy"' in page.content.decode()
    pdf = client.get("/cases/KEN/2/26/letter/?event=d3&victim=V1&format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert AuditEntry.objects.filter(action="view_letter", victim_key="V1").count() == 2


def test_no_letter_for_another_victim_or_event_type(client, decided):
    signed_in(client, "wcu", "wcu:kent", "witness_care_officer")
    assert client.get("/cases/KEN/2/26/letter/?event=d3&victim=V9").status_code == 404
    assert client.get("/cases/KEN/2/26/letter/?event=d2&victim=V1").status_code == 404


def test_the_case_page_links_letters_for_event_ids_with_slashes(client, now):
    feed_import(lines=lines(
        raw("MET/1/26-01", "crime.reported", "2026-11-02 09:00", case="MET/1/26",
            provider="police:metropolitan", offence="robbery"),
        raw("MET/1/26-02", "victim.identified", "2026-11-02 09:00", case="MET/1/26",
            provider="police:metropolitan", victim="V1", kind="person"),
        raw("MET/1/26-03", "suspect.arrested", "2026-11-03 09:00", case="MET/1/26",
            provider="police:metropolitan"),
    ), source="test")
    signed_in(client, "met", "police:metropolitan", "investigating_officer")
    page = client.get("/cases/MET/1/26/")
    assert page.status_code == 200
    assert "letter/?event=MET/1/26-03&amp;victim=V1" in page.content.decode()
    assert client.get("/cases/MET/1/26/letter/?event=MET/1/26-03&victim=V1").status_code == 200
