"""The retention run: what is due goes (anonymised or deleted), nothing else; dry runs change
nothing; a second run does nothing; a failure part-way through a case leaves it untouched."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from tests.privacy.conftest import G1, G2, G3, IMPORTED, RUN
from victimjourney.audit.chain import CHECKPOINT_ACTION
from victimjourney.audit.models import AuditEntry
from victimjourney.core import clock
from victimjourney.duties.models import Duty
from victimjourney.inspection.models import Judgement
from victimjourney.journey.models import Event
from victimjourney.linkage.indexing import records_index_refresh
from victimjourney.linkage.models import CandidateLink, LinkDecision, LinkKey, LinkRecord
from victimjourney.notifications.models import Delivery, Notice, Receipt
from victimjourney.portal.models import OneTimeCode, Throttle
from victimjourney.privacy import services
from victimjourney.privacy.anonymise import ANON
from victimjourney.privacy.models import CaseRetention
from victimjourney.privacy.selectors import cases_due
from victimjourney.privacy.services import (
    RetentionFailed,
    case_retention_apply,
    retention_run,
    schedules_in_force,
)
from victimjourney.victims.models import CategoryRecord, Victim

PRIVATE = ("Alice", "Bob Other", "alice@example.org", "07700", "High Street", "Jane Officer",
           "Sam Staff")


def row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


def snapshot(reference: str) -> dict:
    """Everything retention may touch on one case, as plain values."""
    return {
        "events": sorted((e.id, json.dumps(e.data, sort_keys=True))
                         for e in Event.objects.filter(case__reference=reference)),
        "victims": sorted((v.key, v.name, str(v.date_of_birth), json.dumps(v.contact,
                                                                          sort_keys=True))
                          for v in Victim.objects.filter(case__reference=reference)),
        "categories": sorted((c.category, c.reason, c.confirmed_by) for c in
                             CategoryRecord.objects.filter(victim__case__reference=reference)),
        "duties": sorted((d.pk, d.status, d.basis)
                         for d in Duty.objects.filter(case__reference=reference)),
        "notices": Notice.objects.filter(case__reference=reference).count(),
        "links": LinkRecord.objects.filter(case__reference=reference).count(),
        "codes": OneTimeCode.objects.filter(victim__case__reference=reference).count(),
        "judgements": sorted(Judgement.objects.filter(case__reference=reference)
                             .values_list("notes", flat=True)),
        "done": CaseRetention.objects.filter(case__reference=reference).exists(),
    }


def text_of(reference: str) -> str:
    return json.dumps(snapshot(reference))


@pytest.mark.django_db
def test_the_fixture_holds_personal_data_and_related_records(cases):
    g3 = text_of(G3)
    for private in PRIVATE:
        assert private in g3, private
    assert Notice.objects.filter(case=cases["g3"]).count() > 0
    assert CandidateLink.objects.count() == 1


@pytest.mark.django_db
def test_dry_run_changes_nothing_and_lists_what_is_due(cases):
    before = row_counts()
    contents = {ref: snapshot(ref) for ref in (G1, G2, G3)}
    with clock.frozen(RUN):
        report = retention_run(dry_run=True)
    after = row_counts()
    assert after.pop("audit.AuditEntry") == before.pop("audit.AuditEntry") + 1
    assert after == before
    assert {ref: snapshot(ref) for ref in (G1, G2, G3)} == contents
    assert AuditEntry.objects.order_by("-id").first().action == "retention_dry_run"
    kinds = report.as_dict()["kinds"]
    assert kinds["journey.group3"]["cases"] == [G3]
    # 7 of its 9 events change: the crime report and the arrest hold nothing personal.
    assert kinds["journey.group3"]["records"]["journey.Event"] == 7
    assert kinds["journey.group2"]["cases"] == [] and kinds["journey.group1"]["cases"] == []
    assert kinds["notifications"]["records"] == {
        "notifications.Notice": contents[G3]["notices"],
        "notifications.Delivery": Delivery.objects.filter(notice__case=cases["g3"]).count(),
        "notifications.Receipt": 2}
    assert contents[G3]["notices"] > 0
    assert kinds["linkage"]["records"] == {
        "linkage.LinkRecord": 2, "linkage.LinkKey": LinkKey.objects.filter(
            record__case=cases["g3"]).count(),
        "linkage.CandidateLink": 1, "linkage.LinkDecision": 1, "linkage.CategoryProposal": 0}
    assert kinds["portal.throttles"]["records"] == {"portal.Throttle": 1}
    assert kinds["audit"]["records"] == {"audit.AuditEntry": 1}


@pytest.mark.django_db
def test_run_anonymises_and_deletes_exactly_what_is_due(cases):
    g2_before, g1_before = snapshot(G2), snapshot(G1)
    with clock.frozen(RUN):
        dry = retention_run(dry_run=True).as_dict()["kinds"]
        report = retention_run()
    assert report.as_dict()["kinds"] == dry  # the dry run announced exactly this
    # Groups 2 and 1 are not due: untouched, except the link from the group 3 victim (which
    # goes with the group 3 victim's records).
    assert snapshot(G1) == g1_before
    g2_after = snapshot(G2)
    assert g2_after.pop("links") == 1 and g2_before.pop("links") == 1
    assert g2_after == g2_before
    g3 = snapshot(G3)
    leftover = json.dumps(g3)
    for private in PRIVATE:
        assert private not in leftover, private
    alice, bob = (Victim.objects.get(case=cases["g3"], key=k) for k in ("V1", "V2"))
    assert (alice.name, alice.date_of_birth, alice.contact) == ("", dt.date(1980, 1, 1), {})
    assert (bob.name, bob.date_of_birth) == ("", dt.date(1975, 1, 1))
    assert Event.objects.get(pk="g3-2").data == {"kind": "person",
                                                 "date_of_birth": "1980-01-01", "contact": {}}
    report_event = Event.objects.get(pk="g3-1").data
    assert report_event == {"offence": "theft from the person", "offence_group": "theft offences",
                            "channel": "online"}
    assert Event.objects.get(pk="g3-5").data == {"channel": "phone", "answers": "g3-1",
                                                 "summary": ANON}
    assert g3["notices"] == g3["links"] == g3["codes"] == 0
    assert Receipt.objects.count() == 0 and not Delivery.objects.filter(
        notice__case=cases["g3"]).exists()
    assert g3["judgements"] == [ANON]
    assert CandidateLink.objects.count() == LinkDecision.objects.count() == 0
    done = CaseRetention.objects.get(case=cases["g3"])
    assert (done.schedule, done.mopi_group) == ("journey.group3", 3)
    assert done.clear_from == dt.datetime(2014, 3, 12, 8, 0, tzinfo=dt.UTC)
    # Records with their own clocks: the 2014 code, throttle and audit entry went.
    assert OneTimeCode.objects.count() == 0
    assert list(Throttle.objects.values_list("key", flat=True)) == ["b" * 64]
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "actor_name"))
    assert actions == [("view_case", "test"), ("retention_dry_run", "retention"),
                       (CHECKPOINT_ACTION, "retention"), ("retention_run", "retention")]
    assert AuditEntry.objects.filter(action="view_case").get().case_reference == G2


@pytest.mark.django_db
def test_anonymised_victims_give_the_linkage_index_nothing_to_match_on(cases):
    with clock.frozen(RUN):
        retention_run()
        records_index_refresh(now=RUN)  # the nightly linkage run indexes every victim again
    records = LinkRecord.objects.filter(case=cases["g3"])
    assert records.count() == 2
    for record in records:
        assert (record.first_name, record.surname, record.postcode, record.phone,
                record.email, record.address) == ("", "", "", "", "", "")
    assert not LinkKey.objects.filter(record__case=cases["g3"]).exists()


@pytest.mark.django_db
def test_duties_and_categories_keep_their_facts_and_lose_quoted_text(cases):
    duties_before = list(Duty.objects.filter(case=cases["g3"]).order_by("pk").values_list(
        "pk", "entitlement", "status", "due_at", "fulfilled_at", "enhanced", "provider_id"))
    quoted = Duty.objects.filter(case=cases["g3"], basis__contains="Jane Officer")
    assert quoted.exists()
    with clock.frozen(RUN):
        retention_run()
    assert list(Duty.objects.filter(case=cases["g3"]).order_by("pk").values_list(
        "pk", "entitlement", "status", "due_at", "fulfilled_at", "enhanced",
        "provider_id")) == duties_before
    assert not Duty.objects.filter(case=cases["g3"], basis__contains="Jane Officer").exists()
    assert Duty.objects.filter(
        case=cases["g3"], basis__contains=f"intimidated: {ANON}, confirmed by {ANON}").exists()
    recorded = CategoryRecord.objects.get(victim__case=cases["g3"], source="recorded")
    assert (recorded.category, recorded.state, recorded.reason, recorded.confirmed_by) == (
        "intimidated", "applies", ANON, ANON)


@pytest.mark.django_db
def test_a_second_run_does_nothing(cases):
    with clock.frozen(RUN):
        retention_run()
        contents = {ref: snapshot(ref) for ref in (G1, G2, G3)}
        counts = row_counts()
        again = retention_run()
    assert all(not any(k["records"].values()) and not k["cases"]
               for k in again.as_dict()["kinds"].values())
    assert {ref: snapshot(ref) for ref in (G1, G2, G3)} == contents
    after = row_counts()
    assert after.pop("audit.AuditEntry") == counts.pop("audit.AuditEntry") + 1
    assert after == counts


@pytest.mark.django_db
def test_a_failure_part_way_through_a_case_leaves_it_untouched(cases, monkeypatch):
    before = snapshot(G3)

    def broken(case_id, *, apply):
        raise DatabaseError("disk full")

    # After the events, victims, duties and judgements are done, before the linkage.
    monkeypatch.setattr(services, "_linkage_delete", broken)
    with clock.frozen(RUN), pytest.raises(RetentionFailed, match=G3):
        retention_run()
    after = snapshot(G3)
    # The 2014 sign-in code went first, under its own 30-day period, before the case began.
    assert (before.pop("codes"), after.pop("codes")) == (1, 0)
    assert after == before
    failed = AuditEntry.objects.order_by("-id").first()
    assert (failed.action, failed.actor_name) == ("retention_failed", "retention")
    assert G3 in failed.detail
    # The log is append-only again (the erasure escape did not outlive the transaction).
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk="g3-1").update(type="crime.recorded")


@pytest.mark.django_db
def test_a_case_that_received_events_after_it_was_found_due_is_left_for_the_next_run(cases):
    before = snapshot(G3)
    schedules = schedules_in_force()
    with clock.frozen(RUN):
        [(facts, due)] = cases_due([cases["g3"].pk], as_of=RUN, schedules=schedules)
        # As if an import had committed an event between the scan and the lock.
        stale = dataclasses.replace(facts, last_recorded_at=IMPORTED - dt.timedelta(days=1))
        assert case_retention_apply(stale, due, as_of=RUN, schedules=schedules,
                                    apply=True) is None
        assert snapshot(G3) == before
        assert case_retention_apply(facts, due, as_of=RUN, schedules=schedules,
                                    apply=True) is not None
    assert snapshot(G3)["done"] is True


@pytest.mark.django_db
def test_events_stay_append_only_after_a_run(cases):
    with clock.frozen(RUN):
        retention_run()
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk="g3-2").update(data={"name": "Alice Example"})
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            Event.objects.filter(pk="g3-2").delete()


@pytest.mark.django_db
def test_a_real_run_cannot_look_ahead(cases):
    with clock.frozen(IMPORTED), pytest.raises(ValueError, match="future"):
        retention_run(as_of=RUN)
    with clock.frozen(IMPORTED), pytest.raises(CommandError, match="future"):
        call_command("retention", "--as-of", "2021-01-04", "--quiet")


@pytest.mark.django_db
def test_new_events_on_an_anonymised_case_restart_its_clear_period(cases):
    from tests.helpers import lines, raw
    from victimjourney.duties.services import feed_import

    with clock.frozen(RUN):
        retention_run()
    with clock.frozen(RUN + dt.timedelta(hours=1)):
        feed_import(lines=lines(raw("g3-10", "contact.made", "2020-12-01 10:00", case=G3,
                                    victim="V1", channel="letter", summary="Wrote to Alice")),
                    source="late")
        again = retention_run()
    assert again.as_dict()["kinds"]["journey.group3"]["cases"] == []
    later = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)
    with clock.frozen(later):
        third = retention_run()
    assert third.as_dict()["kinds"]["journey.group3"]["cases"] == [G3]
    assert Event.objects.get(pk="g3-10").data["summary"] == ANON


@pytest.mark.django_db
def test_overrides_change_what_is_due(cases, settings):
    settings.PRIVACY_RETENTION_OVERRIDES = ["journey.group3=8y"]
    with clock.frozen(RUN):
        report = retention_run(dry_run=True)
    assert report.as_dict()["kinds"]["journey.group3"]["cases"] == []
    settings.PRIVACY_RETENTION_OVERRIDES = ["journey.group2=6y"]
    with clock.frozen(RUN):
        report = retention_run(dry_run=True)
    assert report.as_dict()["kinds"]["journey.group2"]["cases"] == [G2]


@pytest.mark.django_db
def test_command_dry_run_prints_counts_and_references(cases, capsys):
    with clock.frozen(RUN):
        call_command("retention", "--dry-run", "--quiet")
    out = capsys.readouterr().out
    assert "dry run: nothing changed" in out
    assert f"cases (1): {G3}" in out
    assert "journey.Event: 7" in out
    with clock.frozen(RUN):
        call_command("retention", "--dry-run", "--json", "--as-of", "2025-01-01")
    report = json.loads(capsys.readouterr().out)
    assert report["dry_run"] is True and report["as_of"] == "2025-01-01T00:00:00+00:00"
    assert report["kinds"]["journey.group2"]["cases"] == [G2]
    assert report["kinds"]["journey.group3"]["cases"] == [G3]
    assert Event.objects.get(pk="g3-2").data["name"] == "Alice Example"
