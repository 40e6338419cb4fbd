"""An organisation's key never reads or writes another organisation's cases.

Reading a case the organisation is not involved in answers exactly like a missing case (404);
writing to it, or writing as another organisation, is refused (403) and applies nothing.
"""

import pytest

from tests.api.conftest import KENT_CASE, kent_feed, key_for
from tests.helpers import raw
from victimjourney.audit.models import AuditEntry
from victimjourney.cases.models import CaseOrganisation
from victimjourney.duties.models import Duty
from victimjourney.journey.models import Event

pytestmark = pytest.mark.django_db

ESSEX_CASE = "ESS/7/26"


def essex_feed():
    return [raw("e1", "crime.reported", "2026-11-20 10:00", case=ESSEX_CASE,
                provider="police:essex", offence="burglary"),
            raw("e2", "victim.identified", "2026-11-20 10:00", case=ESSEX_CASE,
                provider="police:essex", victim="V1", kind="person", name="Sam Jones")]


def test_another_organisations_case_reads_exactly_like_a_missing_one(kent_case, essex):
    forbidden = essex.get(f"/api/v1/cases/{KENT_CASE}")
    missing = essex.get("/api/v1/cases/NO/SUCH/CASE")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content
    assert forbidden.json() == {"errors": [{"line": None, "field": "reference",
                                            "message": "no such case", "event_id": None}]}
    assert not AuditEntry.objects.exists()


def test_lists_hold_only_the_organisations_own_cases_and_duties(kent, kent_case, essex):
    assert essex.post("/api/v1/events/batch", {"events": essex_feed()}).status_code == 201
    assert [c["reference"] for c in kent.get("/api/v1/cases").json()["items"]] == [KENT_CASE]
    assert [c["reference"] for c in essex.get("/api/v1/cases").json()["items"]] == [ESSEX_CASE]
    assert {d["case"] for d in essex.get("/api/v1/duties").json()["items"]} == {ESSEX_CASE}
    assert {d["provider"] for d in kent.get("/api/v1/duties").json()["items"]} == {
        "police:kent"}
    essex_metrics = essex.get("/api/v1/metrics/duties").json()
    assert essex_metrics["totals"]["total"] == Duty.objects.filter(
        provider_id="police:essex").count() > 0


def test_posting_to_another_forces_case_is_refused_and_applies_nothing(kent_case, essex):
    before = Event.objects.count()
    event = raw("x1", "suspect.arrested", "2026-11-25 10:00", case=KENT_CASE,
                provider="police:essex")
    response = essex.post("/api/v1/events", event)
    assert response.status_code == 403
    assert response.json() == {"errors": [{
        "line": 1, "field": "case", "event_id": "x1",
        "message": "no case 'KEN/1/26' on which police:essex may record events"}]}
    assert Event.objects.count() == before
    assert not CaseOrganisation.objects.filter(organisation_id="police:essex").exists()
    assert essex.get(f"/api/v1/cases/{KENT_CASE}").status_code == 404


def test_an_organisation_records_events_only_as_itself(kent, kent_case):
    event = raw("x1", "suspect.arrested", "2026-11-25 10:00", case=KENT_CASE,
                provider="police:essex")
    response = kent.post("/api/v1/events", event)
    assert response.status_code == 403
    assert response.json()["errors"] == [{
        "line": 1, "field": "provider", "event_id": "x1",
        "message": "this key records events as police:kent only, not as 'police:essex'"}]
    assert not Event.objects.filter(id="x1").exists()


def test_a_batch_with_one_line_out_of_scope_applies_nothing(kent_case, essex):
    batch = [*essex_feed(), raw("x1", "suspect.arrested", "2026-11-25 10:00", case=KENT_CASE,
                                provider="police:essex")]
    response = essex.post("/api/v1/events/batch", {"events": batch})
    assert response.status_code == 403
    assert [(e["line"], e["field"]) for e in response.json()["errors"]] == [(3, "case")]
    assert not Event.objects.filter(case__reference=ESSEX_CASE).exists()


def test_the_forces_cps_area_records_its_decision_on_the_forces_case(kent_case,
                                                                     cps_south_east):
    decision = raw("c1", "cps.decision", "2026-11-25 10:00", case=KENT_CASE,
                   provider="cps:south-east", decision="no_further_action")
    response = cps_south_east.post("/api/v1/events", decision)
    assert response.status_code == 201
    assert Duty.objects.filter(trigger_event_id="c1", provider_id="cps:south-east").exists()
    # Now involved, the CPS reads the case.
    assert cps_south_east.get(f"/api/v1/cases/{KENT_CASE}").status_code == 200


def test_a_cps_area_of_another_force_may_not_write_to_the_case(kent_case, db, now):
    wales = key_for("cps:cymru-wales")
    decision = raw("c1", "cps.decision", "2026-11-25 10:00", case=KENT_CASE,
                   provider="cps:cymru-wales", decision="charge")
    assert wales.post("/api/v1/events", decision).status_code == 403
    assert not Event.objects.filter(id="c1").exists()


def test_only_a_police_force_opens_a_case_and_a_missing_case_looks_like_a_forbidden_one(
        kent_case, cps_south_east, essex):
    assert essex.post("/api/v1/events/batch", {"events": essex_feed()}).status_code == 201

    def refusal(case):
        event = raw("c9", "cps.decision", "2026-11-25 10:00", case=case,
                    provider="cps:south-east", decision="charge")
        response = cps_south_east.post("/api/v1/events", event)
        assert response.status_code == 403
        return response.json()["errors"]

    # Essex's cases go to the CPS East of England, not the CPS South East.
    assert refusal(ESSEX_CASE) == [{"line": 1, "field": "case", "event_id": "c9", "message":
                                    f"no case {ESSEX_CASE!r} on which cps:south-east may "
                                    "record events"}]
    assert refusal("NEW/1/26") == [{"line": 1, "field": "case", "event_id": "c9", "message":
                                    "no case 'NEW/1/26' on which cps:south-east may record "
                                    "events"}]
    assert not Event.objects.filter(id="c9").exists()


def test_a_police_force_opens_a_new_case_and_becomes_involved(kent):
    response = kent.post("/api/v1/events/batch", {"events": kent_feed()})
    assert response.status_code == 201
    assert response.json()["cases_created"] == 1
    assert list(CaseOrganisation.objects.values_list("organisation_id", flat=True)) == [
        "police:kent"]
    assert kent.get(f"/api/v1/cases/{KENT_CASE}").status_code == 200
    assert Duty.objects.filter(case__reference=KENT_CASE, provider_id="police:kent").count() > 0
