"""The retention schedules as data: every record kind with a period, a trigger, an action and a
stated basis; MoPI groups; due dates; a force's overrides."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from victimjourney.core.clock import LONDON
from victimjourney.privacy.schedules import (
    SCHEDULES,
    TRIGGERS,
    CaseFacts,
    Period,
    case_due,
    mopi_group,
    period_parse,
    schedules_load,
)

# Every model holding personal data (or pointing to a person) is covered by a schedule; the
# rest hold none.
NOT_PERSONAL = {
    "journey.ImportBatch", "cases.Case", "cases.CaseOrganisation", "organisations.Organisation",
    "inspection.Sample", "inspection.SampledFile", "inspection.MetricSnapshot",
    "linkage.LinkageModel", "linkage.LinkageRun", "privacy.CaseRetention",
    # Resumable file imports: positions, ids, blind-index digests and keys (V1), no payloads.
    "duties.ImportCheckpoint", "duties.ImportLine",
}


def test_schedules_load_and_every_kind_has_a_basis_trigger_period_and_action():
    schedules = schedules_load()
    assert list(schedules) == [
        "journey.group1", "journey.group2", "journey.group3", "duties", "notifications",
        "linkage", "judgements", "portal.codes", "portal.throttles", "privacy.requests",
        "audit"]
    for schedule in schedules.values():
        assert schedule.action in ("anonymise", "delete")
        assert schedule.trigger in TRIGGERS
        assert "Data Protection Act 2018" in schedule.basis
        assert schedule.records and all(apps.get_model(label) for label in schedule.records)
    assert schedules["journey.group3"].period == Period(years=6)
    assert schedules["journey.group2"].period == Period(years=10)
    assert schedules["journey.group1"].period == Period(years=100)


def test_every_model_of_the_project_apps_is_scheduled_or_holds_no_personal_data():
    covered = {label for s in SCHEDULES for label in s.records}
    project = {m._meta.label for m in apps.get_models()
               if m.__module__.startswith("victimjourney.")
               and m._meta.app_label not in ("accounts", "api")}
    assert project - covered - NOT_PERSONAL == set()


@pytest.mark.parametrize(("crime", "group"), [
    ({"offence": "murder", "death": True}, 1),
    ({"offence": "causing death by dangerous driving"}, 1),
    ({"offence": "rape of a female aged 16 and over", "sexual_offence": True}, 1),
    ({"offence": "kidnapping"}, 1),
    ({"offence": "wounding with intent to do grievous bodily harm"}, 1),
    ({"offence": "theft", "most_serious": True}, 1),
    ({"offence": "sexual assault on a female aged 13 and over"}, 2),
    ({"offence": "common assault", "domestic_abuse": True}, 2),
    ({"offence": "criminal damage", "hate": ["race"]}, 2),
    ({"offence": "harassment"}, 2),
    ({"offence": "theft from the person"}, 3),
    ({"offence": "fraud by false representation"}, 3),
    (None, 2),
])
def test_mopi_group_from_the_crime_report(crime, group):
    assert mopi_group(crime) == group


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


def facts(**kwargs) -> CaseFacts:
    base = dict(case_id=1, reference="R", last_event_at=at("2014-03-12 08:00"),
                last_recorded_at=at("2014-03-12 08:00"), crime={"offence": "theft"})
    return CaseFacts(**{**base, **kwargs})


def test_group3_falls_due_six_years_after_the_last_event():
    due = case_due(facts(), schedules_load())
    assert (due.kind, due.group, due.clear_from, due.due_at) == (
        "journey.group3", 3, at("2014-03-12 08:00"), at("2020-03-12 08:00"))


def test_a_custodial_sentence_holds_the_clear_period_until_it_ends():
    due = case_due(facts(crime={"offence": "harassment"},
                         sentences=((at("2014-03-01 10:00"), 30),)), schedules_load())
    assert (due.group, due.clear_from, due.due_at) == (
        2, at("2016-09-01 10:00"), at("2026-09-01 10:00"))


def test_group1_runs_until_the_youngest_victim_would_be_100():
    murder = {"offence": "murder", "death": True}
    due = case_due(facts(crime=murder, youngest_birth=dt.date(1950, 2, 3)), schedules_load())
    assert (due.kind, due.due_at) == ("journey.group1", at("2050-02-03 00:00"))
    unknown = case_due(facts(crime=murder), schedules_load())
    assert unknown.due_at == at("2114-03-12 08:00")
    # A victim of 94 at the time: not before the first 10-year review of the case.
    old = case_due(facts(crime=murder, youngest_birth=dt.date(1920, 1, 1)), schedules_load())
    assert old.due_at == at("2024-03-12 08:00")


def test_a_case_without_events_is_never_due():
    assert case_due(facts(last_event_at=None, last_recorded_at=None), schedules_load()) is None


@pytest.mark.parametrize(("text", "period"), [
    ("7y", Period(years=7)), ("18m", Period(months=18)), ("90d", Period(days=90)),
    ("7 years", Period(years=7)), ("1 day", Period(days=1))])
def test_period_syntax(text, period):
    assert period_parse(text) == period


def test_periods_move_by_local_calendar_and_back():
    assert Period(years=1).after(at("2020-02-29 10:00")) == at("2021-02-28 10:00")
    assert Period(months=1).after(at("2021-01-31 10:00")) == at("2021-02-28 10:00")
    assert Period(years=6).before(at("2021-01-04 09:00")) == at("2015-01-04 09:00")
    assert Period(days=30).before(at("2021-01-04 09:00")) == at("2020-12-05 09:00")


def test_overrides_change_periods_and_a_wrong_one_fails_loudly():
    schedules = schedules_load(["journey.group3=7y", "portal.codes=90d"])
    assert schedules["journey.group3"].period == Period(years=7)
    assert schedules["portal.codes"].period == Period(days=90)
    assert schedules_load({"audit": "10y"})["audit"].period == Period(years=10)
    for bad, message in ((["journey.group4=7y"], "unknown kind"),
                         (["journey.group3"], "not kind=period"),
                         (["journey.group3=seven"], "not a period"),
                         (["notifications=1y"], "follows its case")):
        with pytest.raises(ValueError, match=message):
            schedules_load(bad)


def test_a_wrong_override_stops_the_system_check(settings):
    settings.PRIVACY_RETENTION_OVERRIDES = ["journey.group9=7y"]
    with pytest.raises(SystemCheckError, match=r"privacy\.E001"):
        call_command("check")
