"""The duty engine: categories, deadlines, evidence, corrections, as situations."""

import datetime as dt

from tests.helpers import ORGS, at, ev
from victimjourney.duties.engine import evaluate_case
from victimjourney.duties.explain import explain

LATER = at("2016-01-01 00:00")


def duties(events, as_of=LATER, entitlement=None):
    result = evaluate_case(events, as_of=as_of, orgs=ORGS).duties
    return [d for d in result if entitlement is None or d.entitlement == entitlement]


def one(events, entitlement, as_of=LATER, victim="V1"):
    found = [d for d in duties(events, as_of, entitlement) if d.victim == victim]
    assert len(found) == 1, found
    return found[0]


def case(dob="1980-01-01", offence="theft from the person", **crime):
    return [
        ev("r", "crime.reported", "2014-04-14 09:00", offence=offence, **crime),
        ev("v", "victim.identified", "2014-04-14 09:00", victim="V1", kind="person",
           date_of_birth=dob),
    ]


def test_the_issue_example_explains_itself_in_plain_english():
    events = case(dob="2000-05-01") + [
        ev("c", "suspect.charged", "2014-04-17 16:20"),
        ev("k", "contact.made", "2014-04-22 09:00", victim="V1", channel="phone", answers="c"),
    ]
    duty = one(events, "suspect_charged")
    assert duty.due_date == dt.date(2014, 4, 22)
    assert duty.status == "met"
    assert explain(duty, ORGS) == (
        "Tell the victim that the suspect was charged. Owed by Kent Police by the end of "
        "Tuesday 22 April 2014: 1 working day, because the victim was under 18 on the offence "
        "date (aged 13 on 14 April 2014): vulnerable (enhanced entitlement). Code of Practice for "
        "Victims of Crime 2013: Victims' Code 2013, police: suspect charged [O]. Met on Tuesday "
        "22 April 2014 (k).")


def test_a_standard_victim_gets_five_working_days():
    duty = one(case() + [ev("c", "suspect.charged", "2014-04-17 16:20")], "suspect_charged")
    assert (duty.enhanced, duty.due_date, duty.status) == (False, dt.date(2014, 4, 28),
                                                            "breached")
    assert duty.basis == "the victim had no enhanced-entitlement category at the time"


def test_the_status_depends_on_the_instant():
    events = case() + [ev("c", "suspect.charged", "2014-04-17 16:20"),
                       ev("k", "contact.made", "2014-04-30 09:00", victim="V1",
                          channel="letter", answers="c")]
    assert one(events, "suspect_charged", as_of=at("2014-04-25 12:00")).status == "open"
    assert one(events, "suspect_charged", as_of=at("2014-04-29 00:00")).status == "breached"
    late = one(events, "suspect_charged")
    assert (late.status, late.fulfilled_by) == ("late", "k")


def test_a_deadline_runs_to_local_midnight_in_summer_time():
    events = case() + [ev("c", "suspect.charged", "2014-06-02 10:00")]
    duty = one(events, "suspect_charged")
    assert duty.due_date == dt.date(2014, 6, 9)
    assert duty.due_at == dt.datetime(2014, 6, 9, 23, 0, tzinfo=dt.UTC)  # midnight BST
    just_in = events + [ev("k", "contact.made", "2014-06-09 23:59", victim="V1",
                           channel="phone", answers="c")]
    assert one(just_in, "suspect_charged").status == "met"


def test_a_category_recorded_later_does_not_change_an_earlier_duty_but_applies_after():
    events = case() + [
        ev("a", "suspect.arrested", "2014-05-01 10:00"),
        ev("cat", "victim.categorised", "2014-05-02 10:00", victim="V1",
           category="intimidated", reason="threatened by the suspect's family",
           confirmed_by="DC Jones"),
        ev("c", "suspect.charged", "2014-05-06 10:00"),
    ]
    arrested = one(events, "suspect_arrested")
    charged = one(events, "suspect_charged")
    assert (arrested.enhanced, arrested.due_date) == (False, dt.date(2014, 5, 9))
    assert (charged.enhanced, charged.due_date) == (True, dt.date(2014, 5, 7))
    assert charged.basis == ("the victim was categorised as intimidated: threatened by the "
                             "suspect's family, confirmed by DC Jones")


def test_a_declined_category_stops_applying_from_when_it_was_declined():
    events = case(offence="assault", domestic_abuse=True) + [
        ev("a", "suspect.arrested", "2014-05-01 10:00"),
        ev("d", "victim.categorised", "2014-05-02 10:00", victim="V1",
           category="most_serious_crime", reason="the victim asked for the standard service",
           state="declined"),
        ev("c", "suspect.charged", "2014-05-06 10:00"),
    ]
    assert one(events, "suspect_arrested").enhanced is True
    assert one(events, "suspect_arrested").basis == (
        "the victim was a victim of domestic abuse, one of the most serious crimes: a victim of "
        "the most serious crime")
    assert one(events, "suspect_charged").enhanced is False


def test_hate_crime_and_the_most_serious_list_are_derived_from_the_offence():
    hate = one(case(hate=["disability"]) + [ev("a", "suspect.arrested", "2014-05-01 10:00")],
               "suspect_arrested")
    gbh = one(case(offence="wounding with intent to do grievous bodily harm")
              + [ev("a", "suspect.arrested", "2014-05-01 10:00")], "suspect_arrested")
    assert hate.enhanced and "hate crime (disability)" in hate.basis
    assert gbh.enhanced and "grievous bodily harm with intent" in gbh.basis


def test_an_event_without_a_victim_concerns_every_victim():
    events = case() + [
        ev("v2", "victim.identified", "2014-04-14 09:00", victim="V2", kind="person",
           date_of_birth="2005-01-01"),
        ev("c", "suspect.charged", "2014-04-17 16:20"),
        ev("k", "contact.made", "2014-04-18 10:00", victim="V2", channel="phone", answers="c"),
    ]
    v1 = one(events, "suspect_charged", victim="V1")
    v2 = one(events, "suspect_charged", victim="V2")
    assert (v1.enhanced, v1.status) == (False, "breached")
    assert (v2.enhanced, v2.status, v2.fulfilled_by) == (True, "met", "k")


def test_a_victim_identified_after_the_trigger_is_owed_from_identification():
    events = case() + [
        ev("c", "suspect.charged", "2014-04-17 16:20"),
        ev("v2", "victim.identified", "2014-05-12 09:00", victim="V2", kind="person"),
    ]
    v2 = one(events, "suspect_charged", victim="V2")
    assert v2.due_date == dt.date(2014, 5, 19)
    assert v2.triggered_at == at("2014-05-12 09:00")


def test_the_edition_follows_the_date_of_the_trigger():
    events = [
        ev("r", "crime.reported", "2021-03-31 09:00", offence="theft"),
        ev("v", "victim.identified", "2021-03-31 09:00", victim="V1", kind="person"),
        ev("c", "suspect.charged", "2021-04-01 10:00"),
    ]
    result = duties(events, as_of=at("2022-01-01 00:00"))
    by_id = {d.entitlement: d.edition for d in result}
    assert by_id["referral_to_victim_services"] == "2015"
    assert by_id["suspect_charged"] == "2020"
    assert "written_confirmation_of_crime" not in by_id  # 2020 only; report was in 2015 Code


def test_events_before_the_2013_code_owe_nothing():
    events = [ev("r", "crime.reported", "2013-12-09 09:00", offence="theft"),
              ev("v", "victim.identified", "2013-12-09 09:00", victim="V1", kind="person")]
    assert duties(events) == []


def test_wcu_duties_run_from_receipt():
    events = case() + [ev("h", "hearing.listed", "2014-06-02 10:00", provider="wcu:kent",
                          received="2014-06-05 15:00")]
    duty = one(events, "wcu_hearing_date")
    assert (duty.provider, duty.due_date) == ("wcu:kent", dt.date(2014, 6, 12))


def test_cps_duties_are_owed_by_the_area_that_decided_or_the_forces_area():
    mine = one(case() + [ev("d", "cps.decision", "2014-06-02 10:00", provider="cps:london-south",
                            decision="discontinue")], "cps_discontinue_or_alter_charge")
    assert mine.provider == "cps:london-south"
    vcs = one(case(offence="robbery") + [
        ev("s", "sentence.passed", "2014-06-02 10:00", provider="wcu:kent",
           disposal="immediate custody", custodial_months=24)], "vcs_initial_contact")
    assert vcs.provider == "probation:kent-surrey-sussex"


def test_before_the_decision_is_met_only_before_the_decision():
    proposed = ev("p", "ooc_disposal.proposed", "2014-06-02 10:00", disposal="caution")
    issued = ev("i", "ooc_disposal.issued", "2014-06-03 10:00", disposal="caution")
    views_first = ev("w", "ooc_disposal.victim_views_recorded", "2014-06-02 15:00",
                     victim="V1", views="content with a caution")
    views_after = ev("w", "ooc_disposal.victim_views_recorded", "2014-06-04 15:00",
                     victim="V1", views="unhappy")
    assert one(case() + [proposed], "out_of_court_disposal_views").status == "open"
    assert one(case() + [proposed, issued], "out_of_court_disposal_views").status == "breached"
    assert one(case() + [proposed, views_first, issued],
               "out_of_court_disposal_views").status == "met"
    late = one(case() + [proposed, issued, views_after], "out_of_court_disposal_views")
    assert (late.status, late.due_date) == ("late", dt.date(2014, 6, 3))


def test_a_declined_referral_is_not_applicable_with_the_reason():
    events = case() + [ev("d", "referral.declined", "2014-04-14 11:00", victim="V1",
                          reason="does not want support")]
    duty = one(events, "referral_to_victim_services")
    assert (duty.status, duty.reason) == (
        "not_applicable", "the victim declined referral on 2014-04-14 (d)")


def test_declining_after_the_deadline_does_not_excuse_a_breach():
    events = case() + [ev("d", "referral.declined", "2014-05-30 11:00", victim="V1")]
    assert one(events, "referral_to_victim_services").status == "breached"


def test_an_opt_out_from_updates_covers_the_named_entitlements():
    events = case() + [
        ev("o", "victim.opted_out", "2014-04-15 10:00", victim="V1", entitlements=["all"]),
        ev("c", "suspect.charged", "2014-04-17 16:20"),
    ]
    assert one(events, "suspect_charged").status == "not_applicable"
    assert one(events, "needs_assessment_police").status == "open"  # not an update


def test_an_ineligible_victim_gets_a_not_applicable_duty_with_the_reason():
    events = [
        ev("r", "crime.reported", "2014-04-14 09:00", offence="shoplifting"),
        ev("v", "victim.identified", "2014-04-14 09:00", victim="B1", kind="business",
           name="Corner Shop Ltd"),
        ev("c", "suspect.charged", "2014-04-17 16:20"),
    ]
    duty = one(events, "suspect_charged", victim="B1")
    assert duty.status == "not_applicable"
    assert duty.reason == "not eligible: the entitlement is not owed to a business"


def test_a_correction_replaces_the_facts_and_a_withdrawal_removes_the_duty():
    events = case() + [
        ev("c", "suspect.charged", "2014-04-17 16:20"),
        ev("x", "correction.recorded", "2014-04-18 09:00", corrects="c",
           reason="wrong date keyed", replacement={"occurred_at": "2014-04-22T10:00:00+01:00"}),
    ]
    assert one(events, "suspect_charged").due_date == dt.date(2014, 4, 29)
    withdrawn = case() + [
        ev("c", "suspect.charged", "2014-04-17 16:20"),
        ev("x", "correction.recorded", "2014-04-18 09:00", corrects="c",
           reason="wrong case", withdrawn=True),
    ]
    assert duties(withdrawn, entitlement="suspect_charged") == []


def test_a_child_dob_correction_makes_the_victim_vulnerable():
    events = case(dob="1990-01-01") + [
        ev("x", "correction.recorded", "2014-04-15 09:00", corrects="v",
           reason="date of birth mistyped", replacement={"data": {"date_of_birth": "2003-01-01"}}),
        ev("c", "suspect.charged", "2014-04-17 16:20"),
    ]
    assert one(events, "suspect_charged").enhanced is True


def test_a_parent_takes_the_categories_of_the_child_they_act_for():
    events = case(dob="2006-01-01") + [
        ev("p", "victim.identified", "2014-04-14 09:30", victim="P1", kind="parent_or_guardian",
           on_behalf_of="V1"),
        ev("c", "suspect.charged", "2014-04-17 16:20"),
    ]
    parent = one(events, "suspect_charged", victim="P1")
    assert parent.enhanced is True
    assert parent.basis.startswith("acting for V1, who is vulnerable")


def test_a_complaint_is_owed_by_the_organisation_complained_about():
    events = case() + [
        ev("q", "complaint.received", "2015-12-01 10:00", provider="victim", victim="V1",
           about="cps:south-east"),
        ev("a", "complaint.responded", "2015-12-10 10:00", provider="cps:south-east",
           victim="V1", complaint="q", kind="acknowledgement"),
    ]
    duty = one(events, "complaint_response")
    assert (duty.provider, duty.edition, duty.due_date, duty.status) == (
        "cps:south-east", "2015", dt.date(2015, 12, 15), "met")


def test_events_after_the_instant_are_not_yet_known():
    events = case() + [ev("c", "suspect.charged", "2014-04-17 16:20")]
    assert duties(events, as_of=at("2014-04-16 00:00"), entitlement="suspect_charged") == []


def test_opting_back_in_restores_the_duty():
    events = case() + [
        ev("o", "victim.opted_out", "2014-04-15 10:00", victim="V1", entitlements=["all"]),
        ev("i", "victim.opted_in", "2014-04-16 10:00", victim="V1", entitlements=["all"]),
        ev("c", "suspect.charged", "2014-04-17 16:20"),
    ]
    assert one(events, "suspect_charged").status == "breached"
