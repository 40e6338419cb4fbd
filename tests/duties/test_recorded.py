"""The engine's recorded sentences read in the page's language (duties/recorded.py): every
sentence the engine can write is recognised, in Welsh each reads in Welsh, in English each
reads as recorded (dates written out), and text the engine did not write is left alone."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from tests.helpers import ORGS, at, ev
from victimjourney.code.editions import EDITIONS
from victimjourney.duties import engine
from victimjourney.duties.engine import KIND_LABELS, _CaseIndex, evaluate_case
from victimjourney.duties.explain import explain
from victimjourney.duties.recorded import shown
from victimjourney.victims.categories import (
    MOST_SERIOUS_KEYWORDS,
    CategoryChange,
    VictimFacts,
    crime_facts,
    derived_changes,
)

DAY = dt.date(2024, 3, 5)
WHEN = at("2024-03-05 10:00")


def _victim(kind: str = "person", dob: dt.date | None = None) -> VictimFacts:
    return VictimFacts(key="V1", kind=kind, identified_at=WHEN, identified_by="v",
                       date_of_birth=dob)


def _crimes() -> list[dict]:
    """Crime facts for every reason the Code's most-serious list can give."""
    out: list[dict] = [{"domestic_abuse": True}, {"sexual_offence": True}, {"death": True},
                       {"hate": ["race", "sexual_orientation"]},
                       {"most_serious": True, "offence": "murder"}, {"most_serious": True}]
    out += [{"offence": keyword} for keyword, _label in MOST_SERIOUS_KEYWORDS]
    return out


def derived_reasons() -> set[str]:
    reasons = set()
    for data in _crimes():
        crime = crime_facts(data, DAY)
        for victim in (_victim(dob=dt.date(2010, 1, 1)), _victim("bereaved_close_relative")):
            reasons |= {c.reason for c in derived_changes(victim, crime, ("r", WHEN))}
    return reasons


def ineligible_reasons() -> set[str]:
    """What `_ineligible` says for every rule of every edition, for each kind of victim with
    no category, no fact about the crime and no Victim Contact Scheme membership."""
    out = set()
    for edition in EDITIONS.values():
        for rule in edition.entitlements:
            for kind in KIND_LABELS:
                why = engine._ineligible(rule, _victim(kind), {}, set(), _CaseIndex([]), WHEN)
                if why:
                    out.add(why)
    return out


def decline_reasons() -> set[str]:
    return {engine._declined(ev(etype.replace(".", "-"), etype, "2024-03-05 10:00",
                                victim="V1", **data))
            for etype, data in (("vcs.opted_out", {}), ("referral.declined", {}),
                                ("victim.opted_out", {"entitlements": ["all"]}))}


def bases() -> set[str]:
    out = {engine._basis({})}
    for reason in derived_reasons():
        change = CategoryChange(WHEN, "vulnerable", "applies", reason, "derived", "r")
        out.add(engine._basis({"vulnerable": change}))
    recorded = CategoryChange(WHEN, "intimidated", "applies", "fear of reprisals", "recorded",
                              "c", "DC Jones", rank=1)
    out.add(engine._basis({"intimidated": recorded}))
    # A parent acting for a child: the categories inherited, through the engine itself.
    events = [ev("r", "crime.reported", "2024-03-05 09:00", offence="assault",
                 offence_date="2024-03-04"),
              ev("v", "victim.identified", "2024-03-05 09:00", victim="V1", kind="person",
                 date_of_birth="2012-06-01"),
              ev("c", "victim.categorised", "2024-03-05 09:10", victim="V1",
                 category="intimidated", reason="fear of reprisals"),
              ev("p", "victim.identified", "2024-03-05 09:30", victim="P1",
                 kind="parent_or_guardian", on_behalf_of="V1"),
              ev("s", "suspect.charged", "2024-03-06 16:20")]
    for duty in evaluate_case(events, as_of=at("2025-01-01 00:00"), orgs=ORGS).duties:
        out.add(duty.basis)
    return out


ALL = sorted(derived_reasons() | ineligible_reasons() | decline_reasons() | bases())


def test_the_sentences_gathered_are_every_kind_the_engine_writes():
    starts = {text.split(" ")[0] + " " + text.split(" ")[1] for text in ALL}
    assert starts == {"not eligible:", "the victim"}
    assert any("acting for V1, who is vulnerable: the victim was under 18" in t for t in ALL)
    assert len(ineligible_reasons()) >= 9  # five kinds, categories, two sets of facts, the scheme
    assert len(ALL) >= 40


@pytest.mark.parametrize("text", ALL)
def test_in_welsh_no_sentence_the_engine_wrote_is_left_in_english(text):
    with translation.override("cy"):
        welsh = shown(text)
    english_words = {"victim", "owed", "entitlement", "eligible", "categorised", "acting",
                     "offence", "crime", "crimes", "opted", "declined", "aged", "under",
                     "relative", "vulnerable", "intimidated", "serious", "the", "of"}
    left = [w for w in welsh.replace("(", " ").replace(")", " ").replace(",", " ").split()
            if w.lower().strip(":;.") in english_words]
    # Only what a person typed stays as typed: "fear of reprisals" (recorded) and its author.
    left = [w for w in left if w not in ("of",) or "fear of reprisals" not in text]
    assert left == [], welsh


@pytest.mark.parametrize("text", ALL)
def test_in_english_each_sentence_reads_as_recorded_with_its_dates_written_out(text):
    with translation.override("en"):
        english = shown(text)
    assert english == text.replace("2024-03-05", "5 March 2024").replace(
        "2024-03-04", "4 March 2024")


@pytest.mark.parametrize("text, welsh", [
    ("the victim was under 18 on the offence date (aged 13 on 2024-03-04)",
     "roedd y dioddefwr o dan 18 oed ar ddyddiad y drosedd (13 oed ar 4 Mawrth 2024)"),
    ("not eligible: the entitlement is not owed to a business",
     "ddim yn gymwys: nid yw’r hawl yn ddyledus i fusnes"),
    ("not eligible: owed only to a victim who is vulnerable or intimidated",
     "ddim yn gymwys: yn ddyledus dim ond i ddioddefwr sydd yn agored i niwed neu wedi’i "
     "ddychryn"),
    ("the victim opted out of the Victim Contact Scheme on 2024-03-05 (e-17)",
     "optiodd y dioddefwr allan o’r Cynllun Cyswllt â Dioddefwyr ar 5 Mawrth 2024 (e-17)"),
    ("the victim was categorised as intimidated: fear of reprisals, confirmed by DC Jones",
     "cofnodwyd bod y dioddefwr wedi’i ddychryn: fear of reprisals, cadarnhawyd gan DC Jones"),
    ("the victim was a victim of hate crime (race, religion), one of the most serious crimes"
     ": a victim of the most serious crime",
     "roedd y dioddefwr yn ddioddefwr trosedd casineb (hil, crefydd), un o’r troseddau mwyaf "
     "difrifol: dioddefwr un o’r troseddau mwyaf difrifol"),
])
def test_welsh_readings(text, welsh):
    with translation.override("cy"):
        assert shown(text) == welsh


@pytest.mark.parametrize("text", [
    "", "fear of reprisals", "a reason; with a semicolon: vulnerable-ish",
    "not eligible: a reason the engine never writes",
    "the victim opted out on 5th March (e1)",
])
def test_what_the_engine_did_not_write_is_shown_as_recorded(text):
    with translation.override("cy"):
        assert shown(text) == text


def test_the_explanation_of_a_duty_reads_its_basis_in_welsh():
    events = [ev("r", "crime.reported", "2024-03-05 09:00", offence="assault",
                 offence_date="2024-03-04"),
              ev("v", "victim.identified", "2024-03-05 09:00", victim="V1", kind="person",
                 date_of_birth="2012-06-01"),
              ev("s", "suspect.charged", "2024-03-06 16:20")]
    duty = next(d for d in evaluate_case(events, as_of=at("2025-01-01 00:00"), orgs=ORGS).duties
                if d.entitlement == "suspect_charged")
    with translation.override("cy"):
        text = explain(duty, ORGS)
    assert "roedd y dioddefwr o dan 18 oed ar ddyddiad y drosedd (11 oed ar 4 Mawrth 2024): " \
           "agored i niwed" in text
    assert "the victim" not in text


@pytest.mark.parametrize("language, expected", [
    ("en", "vulnerable, persistently targeted"),
    ("cy", "agored i niwed, wedi’i dargedu’n barhaus"),
])
def test_a_victims_earlier_reports_name_their_categories_in_the_pages_language(
        language, expected):
    report = SimpleNamespace(record_id=1, reported_at=WHEN, force="Kent Police", offence="",
                             reference="", victim_key="V1", risk=[], probability=None,
                             categories=["vulnerable", "persistently_targeted"], comparison=None)
    with translation.override(language):
        html = render_to_string("linkage/_history.html",
                                {"history": SimpleNamespace(reports=[report], hidden=0)})
    assert f'<td class="govuk-table__cell">{expected}</td>' in html
    assert "persistently_targeted" not in html.replace('data-record="1"', "")
