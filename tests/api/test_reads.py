"""Reading cases, victims, duties and figures: shapes, pagination, filters, the audit."""

import pytest

from tests.api.conftest import KENT_CASE
from tests.helpers import lines, raw
from victimjourney.audit.models import AuditEntry
from victimjourney.duties.models import Duty
from victimjourney.duties.services import feed_import

pytestmark = pytest.mark.django_db


def test_a_case_shows_its_victims_duties_with_explanations_and_events(kent, kent_case):
    response = kent.get(f"/api/v1/cases/{KENT_CASE}")
    assert response.status_code == 200
    case = response.json()
    assert {k: case[k] for k in ("reference", "force", "offence", "reported_at",
                                 "organisations")} == {
        "reference": KENT_CASE, "force": "police:kent", "offence": "assault",
        "reported_at": "2026-11-23T09:00:00+00:00", "organisations": ["police:kent"]}
    [victim] = case["victims"]
    assert {k: victim[k] for k in ("key", "kind", "name", "date_of_birth", "enhanced")} == {
        "key": "V1", "kind": "person", "name": "Alex Smith", "date_of_birth": "2011-06-01",
        "enhanced": True}
    assert [(c["category"], c["state"], c["source"]) for c in victim["categories"]] == [
        ("vulnerable", "applies", "derived"), ("most_serious_crime", "applies", "derived")]
    arrested = next(d for d in case["duties"] if d["entitlement"] == "suspect_arrested")
    assert {k: arrested[k] for k in ("victim", "trigger_event", "title", "provider",
                                     "due_date", "due_at", "status", "edition")} == {
        "victim": "V1", "trigger_event": "k3", "title": "Suspect arrested",
        "provider": "police:kent", "due_date": "2026-11-25",
        "due_at": "2026-11-26T00:00:00+00:00", "status": "breached", "edition": "2020"}
    assert ("Owed by Kent Police by the end of Wednesday 25 November 2026: 1 working day"
            in arrested["explanation"])
    assert len(case["duties"]) == Duty.objects.count()
    assert [(e["id"], e["type"]) for e in case["events"]] == [
        ("k1", "crime.reported"), ("k2", "victim.identified"), ("k3", "suspect.arrested")]


def test_contact_details_are_never_served(kent, kent_case):
    case = kent.get(f"/api/v1/cases/{KENT_CASE}").json()
    assert "contact" not in case["victims"][0]
    identified = case["events"][1]
    assert identified["data"] == {"kind": "person", "name": "Alex Smith",
                                  "date_of_birth": "2011-06-01"}
    assert identified["redacted"] == ["data.contact"]
    assert "Safe Street" not in str(case) and "07700" not in str(case)


def test_every_read_of_a_case_is_audited_with_the_key_as_actor(kent, kent_case):
    kent.get(f"/api/v1/cases/{KENT_CASE}")
    kent.get(f"/api/v1/cases/{KENT_CASE}")
    entries = list(AuditEntry.objects.values("actor", "actor_name", "organisation", "role",
                                             "action", "case_reference", "detail"))
    prefix = kent.token[:11]
    assert entries == [{"actor": None, "actor_name": f"API key case system ({prefix}…)",
                        "organisation": "police:kent", "role": "api_key",
                        "action": "view_case", "case_reference": KENT_CASE,
                        "detail": "victims: V1"}] * 2


@pytest.fixture
def kent_cases(db, now):
    """Five Kent cases reported on 1 to 5 November, and one in Essex."""
    feed = []
    for day in range(1, 6):
        ref = f"KEN/{day}/26" if day != 5 else "KX/5/26"
        feed += [raw(f"r{day}", "crime.reported", f"2026-11-0{day} 23:30", case=ref,
                     offence="theft"),
                 raw(f"v{day}", "victim.identified", f"2026-11-0{day} 23:30", case=ref,
                     victim="V1", kind="person", date_of_birth="1980-01-01")]
    feed.append(raw("e1", "crime.reported", "2026-11-03 10:00", case="ESS/1/26",
                    provider="police:essex", offence="theft"))
    feed_import(lines=lines(*feed), source="test")


def refs(response):
    assert response.status_code == 200, response.content
    return [c["reference"] for c in response.json()["items"]]


def test_cases_are_newest_first_and_paginated(kent, kent_cases):
    first = kent.get("/api/v1/cases", page_size=2)
    assert refs(first) == ["KX/5/26", "KEN/4/26"]
    assert {k: first.json()[k] for k in ("count", "page", "page_size")} == {
        "count": 5, "page": 1, "page_size": 2}
    assert refs(kent.get("/api/v1/cases", page_size=2, page=3)) == ["KEN/1/26"]
    assert refs(kent.get("/api/v1/cases", page_size=2, page=4)) == []


def test_cases_filter_by_reference_prefix_and_local_reported_date(kent, kent_cases):
    assert refs(kent.get("/api/v1/cases", reference_prefix="KEN/")) == [
        "KEN/4/26", "KEN/3/26", "KEN/2/26", "KEN/1/26"]
    # 23:30 on 2 November is 23:30 GMT: the local date is the 2nd.
    assert refs(kent.get("/api/v1/cases", reported_from="2026-11-02",
                         reported_to="2026-11-03")) == ["KEN/3/26", "KEN/2/26"]
    assert refs(kent.get("/api/v1/cases", reported_to="9999-12-31")) != []
    assert refs(kent.get("/api/v1/cases", reported_from="0001-01-01")) != []


def test_duties_filter_by_status_entitlement_and_due_date(kent, kent_cases):
    all_duties = kent.get("/api/v1/duties", page_size=500).json()
    assert all_duties["count"] == Duty.objects.filter(provider_id="police:kent").count()
    assert [d["due_date"] for d in all_duties["items"] if d["due_date"]] == sorted(
        d["due_date"] for d in all_duties["items"] if d["due_date"])
    referral = kent.get("/api/v1/duties", entitlement="referral_to_victim_services",
                        status="breached", due_from="2026-11-04", due_to="2026-11-05").json()
    assert [(d["case"], d["due_date"]) for d in referral["items"]] == [
        ("KEN/2/26", "2026-11-04"), ("KEN/3/26", "2026-11-05")]
    second = kent.get("/api/v1/duties", page=2, page_size=3).json()
    assert [d["id"] for d in second["items"]] == [d["id"] for d in all_duties["items"][3:6]]


def test_duty_metrics_count_by_entitlement_and_status(kent, kent_cases):
    body = kent.get("/api/v1/metrics/duties").json()
    expected = {}
    for entitlement, status in Duty.objects.filter(provider_id="police:kent").values_list(
            "entitlement", "status"):
        expected.setdefault(entitlement, {}).setdefault(status, 0)
        expected[entitlement][status] += 1
    assert body["organisation"] == "police:kent"
    assert {row["entitlement"]: {s: n for s, n in row.items()
                                 if s not in ("entitlement", "title", "total") and n}
            for row in body["entitlements"]} == expected
    assert body["totals"]["total"] == Duty.objects.filter(provider_id="police:kent").count()
    referral = next(r for r in body["entitlements"]
                    if r["entitlement"] == "referral_to_victim_services")
    assert (referral["title"], referral["total"], referral["breached"]) == (
        "Referral to victims' services", 5, 5)


@pytest.mark.parametrize(("path", "params", "field"), [
    ("/api/v1/cases", {"page": 0}, "page"),
    ("/api/v1/cases", {"page_size": 501}, "page_size"),
    ("/api/v1/cases", {"reported_from": "yesterday"}, "reported_from"),
    ("/api/v1/duties", {"status": "late-ish"}, "status"),
    ("/api/v1/duties", {"entitlement": "free_lunch"}, "entitlement"),
    ("/api/v1/duties", {"due_to": "2026-02-30"}, "due_to"),
])
def test_invalid_query_parameters_are_422_naming_the_parameter(kent, db, path, params, field):
    response = kent.get(path, **params)
    assert response.status_code == 422
    assert [(e["line"], e["field"]) for e in response.json()["errors"]] == [(None, field)]
