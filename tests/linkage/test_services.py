"""Batch linkage, decisions, and the persistently-targeted proposal, through the database."""

import datetime as dt

import pytest

from tests.helpers import lines, raw
from tests.linkage.conftest import load, person
from victimjourney.core import clock
from victimjourney.core.errors import DomainError
from victimjourney.duties.models import Duty
from victimjourney.duties.services import feed_import
from victimjourney.journey.models import Event
from victimjourney.linkage.indexing import records_index_refresh
from victimjourney.linkage.models import CandidateLink, LinkKey, LinkRecord
from victimjourney.linkage.selectors import person_record_ids
from victimjourney.linkage.services import (
    link_decide,
    linkage_run,
    proposal_decide,
    proposals_find,
)
from victimjourney.victims.models import Victim

pytestmark = pytest.mark.django_db

ALEX = [
    person("Alexandra Jones", "1985-03-02", record=1, person_id=1, when="2026-01-10 10:00",
           address="4 Mill Lane, Maidstone", postcode="ME14 2AB", phone="07700 900001"),
    person("Alex Jones", "1985-03-02", record=2, person_id=1, when="2026-04-02 18:00",
           offence="harassment", address="4 Mill Lane", postcode="ME14 2AB",
           phone="07700900001"),
    person("Alexandra Brown", "1985-03-02", record=3, person_id=1, force="metropolitan",
           when="2026-09-01 21:00", offence="stalking", address="Flat 9, 20 Bow Road",
           postcode="E3 2SJ", phone="+44 7700 900001"),
]
TWIN = person("Beatrice Jones", "1985-03-02", record=4, person_id=2, when="2026-02-01 09:00",
              address="4 Mill Lane", postcode="ME14 2AB", phone="07700900001")
OTHERS = [
    person("Mohammed Khan", "1990-07-14", record=5, person_id=3, postcode="ME1 1AA"),
    person("Muhammad Khan", "1990-07-14", record=6, person_id=3, force="metropolitan",
           email="m.khan@example.org", postcode="ME1 1AA"),
    person("Sarah Evans", "1971-12-30", record=7, person_id=4, postcode="CF10 1AA"),
]


@pytest.fixture
def linked(now):
    load([*ALEX, TWIN, *OTHERS], risk_every=2)
    return linkage_run(now=now)


def _rid(case_reference: str) -> int:
    return LinkRecord.objects.get(case__reference=case_reference).pk


def _pairs(status: str = "proposed") -> set[tuple[str, str]]:
    return {tuple(sorted((link.left.case.reference, link.right.case.reference)))
            for link in CandidateLink.objects.filter(status=status).select_related(
                "left__case", "right__case")}


def test_a_run_indexes_every_person_and_proposes_the_likely_links(linked):
    assert linked.records == 7
    assert (linked.model.source, linked.trained) == ("default", False)
    assert LinkKey.objects.count() == sum(len(r.keys.all()) for r in LinkRecord.objects.all())
    assert _pairs() == {("T/KEN/1", "T/KEN/2"), ("T/KEN/1", "T/MET/3"), ("T/KEN/2", "T/MET/3"),
                        ("T/KEN/5", "T/MET/6")}
    assert linked.links_new == 4


def test_twins_sharing_a_home_and_phone_are_not_linked(linked):
    twin = _rid("T/KEN/4")
    assert not CandidateLink.objects.filter(left_id=twin).exists()
    assert not CandidateLink.objects.filter(right_id=twin).exists()


def test_a_link_explains_what_agreed_and_what_did_not(linked):
    link = CandidateLink.objects.get(left__case__reference="T/KEN/1",
                                     right__case__reference="T/MET/3")
    assert link.match_probability > 0.99
    assert link.gammas["surname"] == 0  # a new surname (married)
    assert link.weights["surname"] < 0
    assert link.gammas["phone"] == 1 and link.weights["phone"] > 5


def test_a_changed_victim_is_reindexed_and_an_unchanged_one_is_not(linked, now):
    feed_import(lines=lines(raw("T/SAR-fix", "victim.identified", "2026-11-20 10:00",
                                case="T/KEN/7", victim="V2", kind="business",
                                name="Evans Hardware")), source="test")
    result = records_index_refresh(now=now)
    assert (result.victims, result.created, result.changed, result.removed) == (8, 0, 0, 0)
    Victim.objects.filter(case__reference="T/KEN/7").update(name="Sarah Jane Evans")
    result = records_index_refresh(now=now)
    assert (result.created, result.changed, result.removed) == (0, 1, 0)
    assert LinkRecord.objects.get(case__reference="T/KEN/7").surname == "evans"


def test_confirmed_links_make_the_persons_history_and_survive_a_rerun(linked, now,
                                                                    django_user_model):
    user = django_user_model.objects.create_user("reviewer")
    for other in ("T/KEN/2", "T/MET/3"):
        link = CandidateLink.objects.get(left_id=_rid("T/KEN/1"), right_id=_rid(other))
        link_decide(user=user, link=link, decision="confirmed",
                    reason="same mobile number; the victim confirmed her married name", now=now)
    khan = CandidateLink.objects.get(left_id=_rid("T/KEN/5"))
    link_decide(user=user, link=khan, decision="rejected", reason="different fathers' names",
                now=now)
    assert person_record_ids(_rid("T/KEN/2")) == {_rid("T/KEN/1"), _rid("T/KEN/2"),
                                                  _rid("T/MET/3")}
    again = linkage_run(now=now)
    assert again.links_new == 0
    assert _pairs("confirmed") == {("T/KEN/1", "T/KEN/2"), ("T/KEN/1", "T/MET/3")}
    assert _pairs("rejected") == {("T/KEN/5", "T/MET/6")}
    assert khan.decisions.get().reason == "different fathers' names"


def test_a_decision_needs_a_reason(linked, now, django_user_model):
    user = django_user_model.objects.create_user("reviewer")
    link = CandidateLink.objects.first()
    with pytest.raises(DomainError, match="Give the reason"):
        link_decide(user=user, link=link, decision="confirmed", reason=" ", now=now)
    link.refresh_from_db()
    assert link.status == "proposed"
    assert not link.decisions.exists()


def test_a_persistently_targeted_victim_is_proposed_and_confirming_makes_deadlines_enhanced(
        linked, now, django_user_model):
    from victimjourney.accounts.services import staff_create

    user = staff_create(username="vco", password="x" * 12, organisation="police:metropolitan",
                        role="victim_care_officer", first_name="Val", last_name="Officer")
    assert proposals_find(now=now) == []  # nothing confirmed yet: no person has three crimes
    for other in ("T/KEN/2", "T/MET/3"):
        link_decide(user=user, link=CandidateLink.objects.get(left_id=_rid("T/KEN/1"),
                                                              right_id=_rid(other)),
                    decision="confirmed", reason="same phone", now=now)
    made = proposals_find(now=now)
    assert [(p.record.case.reference, p.rule) for p in made] == [
        ("T/MET/3", "repeat_12_months"), ("T/MET/3", "harassment_pattern")]
    assert made[0].summary == ("3 crimes in 234 days (10 Jan 2026 to 01 Sep 2026): three or "
                               "more crimes against the person within twelve months")
    assert [e["case"] for e in made[0].evidence] == ["T/KEN/1", "T/KEN/2", "T/MET/3"]
    assert proposals_find(now=now) == []  # proposed once only
    proposal_decide(user=user, proposal=made[0], decision="confirmed",
                    reason="she described a campaign by one neighbour", now=now)
    event = Event.objects.get(id=made[0].event_id)
    assert (event.type, event.case.reference, event.victim_key, event.data["category"],
            event.data["state"], event.data["confirmed_by"]) == (
        "victim.categorised", "T/MET/3", "V1", "persistently_targeted", "applies",
        "Val Officer")
    victim = Victim.objects.get(case__reference="T/MET/3")
    assert victim.categories.filter(category="persistently_targeted", state="applies").exists()
    # The enhanced deadline follows: a suspect arrested on Friday is owed by Monday.
    with clock.frozen(now + dt.timedelta(days=1)):
        feed_import(lines=lines(raw("arrest", "suspect.arrested", "2026-11-27 10:00",
                                    case="T/MET/3", provider="police:metropolitan")),
                    source="test")
    duty = Duty.objects.get(trigger_event_id="arrest")
    assert (duty.enhanced, duty.due_date.isoformat()) == (True, "2026-11-30")
    assert proposals_find(now=now) == []  # the category now applies


def test_a_declined_proposal_records_no_category(linked, now):
    from victimjourney.accounts.services import staff_create

    user = staff_create(username="io", password="x" * 12, organisation="police:kent",
                        role="investigating_officer")
    for other in ("T/KEN/2", "T/MET/3"):
        link_decide(user=user, link=CandidateLink.objects.get(left_id=_rid("T/KEN/1"),
                                                              right_id=_rid(other)),
                    decision="confirmed", reason="same phone", now=now)
    proposal = proposals_find(now=now)[0]
    proposal_decide(user=user, proposal=proposal, decision="declined",
                    reason="unconnected incidents", now=now)
    assert proposal.status == "declined"
    assert not Event.objects.filter(type="victim.categorised").exists()
    with pytest.raises(DomainError, match="already been decided"):
        proposal_decide(user=user, proposal=proposal, decision="confirmed", reason="x", now=now)


def test_a_rerun_rescores_proposed_links_and_drops_those_no_longer_found(linked, now):
    khan = CandidateLink.objects.get(left_id=_rid("T/KEN/5"))
    before = CandidateLink.objects.get(left_id=_rid("T/KEN/1"), right_id=_rid("T/KEN/2"))
    Victim.objects.filter(case__reference="T/MET/6").update(name="Zainab Okafor")
    Victim.objects.filter(case__reference="T/KEN/2").update(name="Alexandra Joanna Jones")
    again = linkage_run(now=now)
    assert again.links_new == 0
    assert not CandidateLink.objects.filter(pk=khan.pk).exists()  # no longer found
    after = CandidateLink.objects.get(pk=before.pk)
    assert (before.gammas["first_name"], after.gammas["first_name"]) == (4, 5)  # now the same
    assert after.match_weight > before.match_weight
