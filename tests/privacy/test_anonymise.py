"""What anonymisation removes from an event and what it keeps (pure)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from victimjourney.privacy.anonymise import (
    ANON,
    birth_generalise,
    case_days,
    contact_anonymise,
    payload_anonymise,
    text_anonymise,
)
from victimjourney.victims.categories import age_on

DAYS = {dt.date(2014, 6, 2)}


def test_victim_identified_keeps_kind_and_key_facts_and_loses_identity():
    data = {"kind": "person", "name": "Alice Example", "date_of_birth": "1980-05-01",
            "contact": {"email": "a@example.org", "phone": "07700 900001", "channel": "email",
                        "address": "1 High Street"},
            "language": "cy", "relationship": "mother of Bob", "on_behalf_of": "V2"}
    assert payload_anonymise("victim.identified", data, days=DAYS) == {
        "kind": "person", "date_of_birth": "1980-01-01",
        "contact": {"channel": "email"}, "language": "cy", "relationship": ANON,
        "on_behalf_of": "V2"}


def test_facts_the_figures_read_are_kept_and_free_text_goes():
    assert payload_anonymise("crime.reported", {
        "offence": "murder", "offence_group": "violence against the person", "death": True,
        "hate": ["race"], "channel": "online", "offence_date": "2014-06-01"}, days=DAYS) == {
        "offence": "murder", "offence_group": "violence against the person", "death": True,
        "hate": ["race"], "channel": "online", "offence_date": "2014-06-01"}
    assert payload_anonymise("sentence.passed", {
        "disposal": "immediate custody", "custodial_months": 14,
        "explanation": "Mr Smith will serve half"}, days=DAYS) == {
        "disposal": "immediate custody", "custodial_months": 14, "explanation": ANON}
    assert payload_anonymise("investigation.closed", {"reason": "decision_not_to_investigate"},
                             days=DAYS) == {"reason": "decision_not_to_investigate"}
    assert payload_anonymise("suspect.bailed", {"conditions": ["not to contact Alice"]},
                             days=DAYS) == {"conditions": [ANON]}
    assert payload_anonymise("needs_assessment.completed", {
        "answers": {"fear": "yes", "communication": "no", "language": "Polish, via her son"},
        "specialist_support_needed": True}, days=DAYS) == {
        "answers": {"fear": "yes", "communication": "no", "language": ANON},
        "specialist_support_needed": True}


def test_preference_changes_lose_their_contact_details():
    assert payload_anonymise("victim.preferences_updated", {
        "channel": "sms", "phone": "07700 900001", "email": "a@example.org",
        "safe_contact": "ring twice", "contact_times": "evenings", "language": "en"},
        days=DAYS) == {"channel": "sms", "language": "en"}


def test_a_correction_is_anonymised_by_the_type_it_corrects():
    data = {"corrects": "e2", "reason": "name misspelt by PC Jones",
            "replacement": {"victim": "V1", "occurred_at": "2014-06-01T10:00:00+01:00",
                            "data": {"name": "Alice Example", "date_of_birth": "1980-05-01",
                                     "kind": "person"}}}
    assert payload_anonymise("correction.recorded", data, days=DAYS,
                             target_type="victim.identified") == {
        "corrects": "e2", "reason": ANON,
        "replacement": {"victim": "V1", "occurred_at": "2014-06-01T10:00:00+01:00",
                        "data": {"date_of_birth": "1980-01-01", "kind": "person"}}}


@given(st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31)),
       st.lists(st.dates(dt.date(2000, 1, 1), dt.date(2044, 12, 31)), min_size=1, max_size=6))
def test_a_generalised_birth_date_keeps_under_18_on_every_date_of_the_case(born, days):
    general = birth_generalise(born, days)
    assert general.year == born.year and general <= born
    for day in days:
        assert (age_on(general, day) < 18) == (age_on(born, day) < 18)


def test_a_birth_date_moves_off_1_january_only_when_an_age_would_change():
    assert birth_generalise(dt.date(1996, 9, 15), {dt.date(2014, 6, 2)}) == dt.date(1996, 6, 3)
    assert birth_generalise(dt.date(1996, 3, 1), {dt.date(2014, 6, 2)}) == dt.date(1996, 1, 1)
    # 17 on 28 February 2014 (the day before the 18th birthday): only 29 February keeps it.
    assert birth_generalise(dt.date(1996, 2, 29), {dt.date(2014, 2, 28)}) == dt.date(1996, 2, 29)
    # A cutoff on 29 February of a common year (1998) is not a date: the next one is 1 March.
    assert birth_generalise(dt.date(1998, 3, 10), {dt.date(2016, 2, 29)}) == dt.date(1998, 3, 1)


def test_case_days_include_offence_dates_and_replaced_instants():
    events = [(dt.datetime(2014, 6, 2, 23, 30, tzinfo=dt.UTC), {"offence_date": "2014-05-30"}),
              (dt.datetime(2014, 6, 5, 9, 0, tzinfo=dt.UTC),
               {"replacement": {"occurred_at": "2014-06-04T10:00:00+01:00",
                                "data": {"offence_date": "2014-05-29"}}})]
    assert case_days(events) == {dt.date(2014, 6, 3), dt.date(2014, 5, 30),
                                 dt.date(2014, 6, 5), dt.date(2014, 6, 4), dt.date(2014, 5, 29)}


def test_anonymising_twice_changes_nothing_more():
    data = {"kind": "person", "name": "Alice", "date_of_birth": "1996-09-15",
            "contact": {"email": "a@example.org"}}
    once = payload_anonymise("victim.identified", data, days=DAYS)
    assert payload_anonymise("victim.identified", once, days=DAYS) == once
    assert contact_anonymise(contact_anonymise({"channel": "sms", "phone": "1"})) == {
        "channel": "sms"}


def test_quoted_reasons_and_names_leave_a_duty_basis():
    basis = ("the victim was categorised as intimidated: afraid of Bob, confirmed by PC Jones; "
             "the victim was under 18 on the offence date (aged 17 on 2014-06-02): vulnerable")
    assert text_anonymise(basis, {"afraid of Bob", "PC Jones"}) == (
        f"the victim was categorised as intimidated: {ANON}, confirmed by {ANON}; the victim "
        "was under 18 on the offence date (aged 17 on 2014-06-02): vulnerable")
