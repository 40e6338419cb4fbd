"""The retention run: anonymise the cases whose schedule has fallen due, delete what is past its
period, and record what was done.

Each case is anonymised in one transaction (its events, victims, category history, duties,
judgements; its notices, linkage records and sign-in codes deleted): a failure part-way leaves
the case as it was. A case done is recorded (`CaseRetention`), so a second run does nothing. A
dry run computes exactly the same changes and writes none of them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction

from victimjourney.audit.models import AuditEntry
from victimjourney.audit.services import audit_purge, audit_record
from victimjourney.cases.models import Case
from victimjourney.core import clock
from victimjourney.duties.models import Duty
from victimjourney.inspection.models import Judgement
from victimjourney.journey.models import Event
from victimjourney.linkage.models import (
    CandidateLink,
    CategoryProposal,
    LinkDecision,
    LinkKey,
    LinkRecord,
)
from victimjourney.notifications.models import Notice
from victimjourney.portal.models import OneTimeCode, Throttle
from victimjourney.privacy.anonymise import (
    ANON,
    birth_generalise,
    case_days,
    contact_anonymise,
    payload_anonymise,
    text_anonymise,
)
from victimjourney.privacy.models import CaseRetention, SubjectAccessRequest
from victimjourney.privacy.schedules import CaseDue, CaseFacts, Schedule, schedules_load
from victimjourney.privacy.selectors import case_id_chunks, cases_due
from victimjourney.victims.models import CategoryRecord, Victim

DELETE_CHUNK = 5000
Counts = dict[str, dict[str, int]]  # kind -> record label -> rows


@dataclass
class KindReport:
    kind: str
    action: str
    records: dict[str, int] = field(default_factory=dict)
    cases: list[str] = field(default_factory=list)

    def add(self, counts: Mapping[str, int], reference: str | None = None,
            always: bool = False) -> None:
        for label, n in counts.items():
            self.records[label] = self.records.get(label, 0) + n
        if reference and (always or any(counts.values())):
            self.cases.append(reference)


@dataclass
class RetentionReport:
    as_of: dt.datetime
    dry_run: bool
    kinds: dict[str, KindReport]
    cases_examined: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "dry_run": self.dry_run,
                "cases_examined": self.cases_examined,
                "kinds": {k: {"action": r.action, "records": r.records, "cases": r.cases}
                          for k, r in self.kinds.items()}}

    def summary(self) -> str:
        parts = [f"{k}: {sum(r.records.values())} records"
                 + (f" in {len(r.cases)} cases" if r.cases else "")
                 for k, r in self.kinds.items() if any(r.records.values())]
        return "; ".join(parts) or "nothing due"


class RetentionFailed(RuntimeError):
    """A case could not be processed; it was left as it was (earlier cases stay done)."""


def schedules_in_force() -> dict[str, Schedule]:
    return schedules_load(getattr(settings, "PRIVACY_RETENTION_OVERRIDES", None))


@contextlib.contextmanager
def erasure_allowed() -> Iterator[None]:
    """Let this transaction change journey events (migration journey 0002: the log is
    append-only). PostgreSQL: `SET LOCAL victimjourney.erasure = 'on'`, switched off again on
    the way out (a rollback undoes it too). SQLite: the trigger is dropped and re-created within
    the same transaction, so a rollback restores it."""
    if not connection.in_atomic_block:
        raise RuntimeError("erasure is only allowed inside a transaction")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL victimjourney.erasure = 'on'")
            yield
            cursor.execute("SET LOCAL victimjourney.erasure = 'off'")
            return
        if connection.vendor != "sqlite":
            raise RuntimeError(f"erasure is not supported on {connection.vendor}")
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                       "AND tbl_name = 'journey_event'")
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        try:
            yield
        finally:
            for _name, sql in triggers:
                cursor.execute(sql)


# -- one case ------------------------------------------------------------------------------
def _events_anonymise(case_id: int, *, apply: bool) -> tuple[int, set[dt.date], set[str]]:
    """(events changed, the case's dates, the recorded reasons and names removed)."""
    events = list(Event.objects.filter(case_id=case_id).only("id", "type", "occurred_at", "data")
                  .order_by("occurred_at", "id"))
    days = case_days((e.occurred_at, e.data or {}) for e in events)
    types = {e.id: e.type for e in events}
    removed: set[str] = set()
    changed = []
    for event in events:
        data = event.data or {}
        target = types.get(str(data.get("corrects"))) if event.type == "correction.recorded" \
            else None
        quoted = data if event.type == "victim.categorised" else (
            (data.get("replacement") or {}).get("data") or {}
            if target == "victim.categorised" else {})
        for name in ("reason", "confirmed_by"):
            if isinstance(quoted.get(name), str):
                removed.add(quoted[name])
        new = payload_anonymise(event.type, data, days=days, target_type=target)
        if new != data:
            event.data = new
            changed.append(event)
    if apply and changed:
        Event.objects.bulk_update(changed, ["data"], batch_size=500)
    return len(changed), days, removed


def _victims_anonymise(case_id: int, days: set[dt.date], removed: set[str], *,
                       apply: bool) -> dict[str, int]:
    victims = []
    for victim in Victim.objects.filter(case_id=case_id):
        name = ""
        born = birth_generalise(victim.date_of_birth, days) if victim.date_of_birth else None
        contact = contact_anonymise(victim.contact)
        if (name, born, contact) != (victim.name, victim.date_of_birth, victim.contact):
            victim.name, victim.date_of_birth, victim.contact = name, born, contact
            victims.append(victim)
    records = []
    for record in CategoryRecord.objects.filter(victim__case_id=case_id):
        if record.source == "recorded":
            reason = ANON if record.reason else ""
            confirmed = ANON if record.confirmed_by else ""
        else:
            reason, confirmed = text_anonymise(record.reason, removed), record.confirmed_by
        if (reason, confirmed) != (record.reason, record.confirmed_by):
            record.reason, record.confirmed_by = reason, confirmed
            records.append(record)
    if apply:
        Victim.objects.bulk_update(victims, ["name", "date_of_birth", "contact"])
        CategoryRecord.objects.bulk_update(records, ["reason", "confirmed_by"])
    return {"victims.Victim": len(victims), "victims.CategoryRecord": len(records)}


def _duties_anonymise(case_id: int, removed: set[str], *, apply: bool) -> dict[str, int]:
    duties = []
    for duty in Duty.objects.filter(case_id=case_id).only("id", "basis"):
        basis = text_anonymise(duty.basis, removed)
        if basis != duty.basis:
            duty.basis = basis
            duties.append(duty)
    if apply:
        Duty.objects.bulk_update(duties, ["basis"])
    return {"duties.Duty": len(duties)}


def _judgements_anonymise(case_id: int, *, apply: bool) -> dict[str, int]:
    due = Judgement.objects.filter(case_id=case_id).exclude(notes="").exclude(notes=ANON)
    return {"inspection.Judgement": due.update(notes=ANON) if apply else due.count()}


def _notices_delete(case_id: int, *, apply: bool) -> dict[str, int]:
    notices = Notice.objects.filter(case_id=case_id)
    total = notices.aggregate(n_notices=models.Count("id", distinct=True),
                              n_deliveries=models.Count("deliveries", distinct=True),
                              n_receipts=models.Count("deliveries__receipts"))
    counts = {"notifications.Notice": total["n_notices"],
              "notifications.Delivery": total["n_deliveries"],
              "notifications.Receipt": total["n_receipts"]}
    if apply and total["n_notices"]:
        notices.delete()
    return counts


def _linkage_delete(case_id: int, *, apply: bool) -> dict[str, int]:
    records = LinkRecord.objects.filter(case_id=case_id)
    ids = list(records.values_list("pk", flat=True))
    if not ids:
        return dict.fromkeys(("linkage.LinkRecord", "linkage.LinkKey", "linkage.CandidateLink",
                              "linkage.LinkDecision", "linkage.CategoryProposal"), 0)
    links = CandidateLink.objects.filter(models.Q(left_id__in=ids) | models.Q(right_id__in=ids))
    counts = {"linkage.LinkRecord": len(ids),
              "linkage.LinkKey": LinkKey.objects.filter(record_id__in=ids).count(),
              "linkage.CandidateLink": links.count(),
              "linkage.LinkDecision": LinkDecision.objects.filter(link__in=links).count(),
              "linkage.CategoryProposal": CategoryProposal.objects.filter(
                  record_id__in=ids).count()}
    if apply:
        records.delete()
    return counts


def _codes_delete(case_id: int, since: dt.datetime, *, apply: bool) -> dict[str, int]:
    """The case's sign-in codes not already past their own period (those went first)."""
    codes = OneTimeCode.objects.filter(victim__case_id=case_id, created_at__gte=since)
    return {"portal.OneTimeCode": codes.delete()[0] if apply else codes.count()}


def case_retention_apply(facts: CaseFacts, due: CaseDue, *, as_of: dt.datetime,
                         schedules: Mapping[str, Schedule], apply: bool) -> Counts | None:
    """Anonymise one case (everything or nothing). With APPLY false, count what would change.
    None: events reached the case since it was found due (its clear period may have started
    again); it is left for the next run."""
    counts: Counts = {}
    with transaction.atomic() if apply else contextlib.nullcontext():
        if apply:
            # Lock the case (an import re-projecting it now would undo the work), then make
            # sure nothing arrived between finding it due and the lock.
            list(Case.objects.select_for_update().filter(pk=facts.case_id).values_list("pk"))
            latest = Event.objects.filter(case_id=facts.case_id).aggregate(
                latest=models.Max("recorded_at"))["latest"]
            if latest != facts.last_recorded_at:
                return None
        with erasure_allowed() if apply else contextlib.nullcontext():
            events, days, removed = _events_anonymise(facts.case_id, apply=apply)
            counts[due.kind] = {"journey.Event": events,
                                **_victims_anonymise(facts.case_id, days, removed, apply=apply)}
        counts["duties"] = _duties_anonymise(facts.case_id, removed, apply=apply)
        counts["judgements"] = _judgements_anonymise(facts.case_id, apply=apply)
        counts["notifications"] = _notices_delete(facts.case_id, apply=apply)
        counts["linkage"] = _linkage_delete(facts.case_id, apply=apply)
        counts["portal.codes"] = _codes_delete(
            facts.case_id, schedules["portal.codes"].period.before(as_of), apply=apply)
        if apply:
            CaseRetention.objects.update_or_create(case_id=facts.case_id, defaults=dict(
                schedule=due.kind, mopi_group=due.group, clear_from=due.clear_from,
                due_at=due.due_at, as_of=as_of, applied_at=clock.now(), counts=counts))
    return counts


# -- records with their own clocks ---------------------------------------------------------
def _delete_in_chunks(queryset: models.QuerySet, *, apply: bool) -> int:
    """Delete QUERYSET oldest first (by id), a chunk per transaction."""
    if not apply:
        return queryset.count()
    deleted = 0
    while True:
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:DELETE_CHUNK])
        if not ids:
            return deleted
        with transaction.atomic():
            deleted += queryset.model.objects.filter(pk__in=ids).delete()[0]


def _own_clock_due(schedules: Mapping[str, Schedule], as_of: dt.datetime
                   ) -> dict[str, tuple[str, models.QuerySet]]:
    codes = schedules["portal.codes"].period.before(as_of)
    windows = schedules["portal.throttles"].period.before(as_of)
    requests = schedules["privacy.requests"].period.before(as_of)
    return {
        "privacy.requests": ("privacy.SubjectAccessRequest", SubjectAccessRequest.objects.filter(
            received_at__lt=requests)),
        "portal.codes": ("portal.OneTimeCode", OneTimeCode.objects.filter(created_at__lt=codes)),
        "portal.throttles": ("portal.Throttle", Throttle.objects.filter(
            window_start__lt=windows).exclude(locked_until__gt=as_of)),
    }


def _audit_purge(schedule: Schedule, as_of: dt.datetime, *, apply: bool) -> int:
    """The oldest audit entries, written before the cut-off: only a prefix of the hash chain
    goes, and `audit_purge` appends a checkpoint so the chain still verifies (audit/chain.py)."""
    before = schedule.period.before(as_of)
    keep_from = (AuditEntry.objects.filter(at__gte=before).order_by("id")
                 .values_list("id", flat=True).first())
    doomed = AuditEntry.objects.filter(id__lt=keep_from) if keep_from is not None \
        else AuditEntry.objects.all()
    count = doomed.count()
    if apply and count:
        audit_purge(before=before)
    return count


# -- the run -------------------------------------------------------------------------------
def retention_run(*, as_of: dt.datetime | None = None, dry_run: bool = False,
                  chunk_size: int = 200, schedules: Mapping[str, Schedule] | None = None,
                  on_progress: Callable[[int], None] | None = None,
                  on_total: Callable[[int], None] | None = None) -> RetentionReport:
    """Apply (or, with DRY_RUN, list) every schedule due by AS_OF (default: now). A real run
    cannot look ahead: AS_OF must not be in the future."""
    now = clock.now()
    as_of = as_of or now
    if not dry_run and as_of > now:
        raise ValueError("a real retention run cannot be dated in the future (use --dry-run to "
                         "see what will fall due)")
    schedules = schedules or schedules_in_force()
    report = RetentionReport(as_of=as_of, dry_run=dry_run, kinds={
        k: KindReport(k, s.action) for k, s in schedules.items()})
    if on_total:
        on_total(Case.objects.count())
    apply = not dry_run
    current = ""
    try:
        # Records past their own periods first, so a case counts only what is left to it.
        for kind, (label, queryset) in _own_clock_due(schedules, as_of).items():
            report.kinds[kind].add({label: _delete_in_chunks(queryset, apply=apply)})
        for ids in case_id_chunks(chunk_size):
            for facts, due in cases_due(ids, as_of=as_of, schedules=schedules):
                current = facts.reference
                counts = case_retention_apply(facts, due, as_of=as_of, schedules=schedules,
                                              apply=apply)
                if counts is None:
                    continue
                for kind, rows in counts.items():
                    report.kinds[kind].add(rows, facts.reference, always=kind == due.kind)
            current = ""
            report.cases_examined += len(ids)
            if on_progress:
                on_progress(len(ids))
        report.kinds["audit"].add({"audit.AuditEntry": _audit_purge(
            schedules["audit"], as_of, apply=apply)})
    except Exception as exc:
        where = f" at case {current}" if current else ""
        audit_record(user=None, actor_name="retention", action="retention_failed",
                     detail=f"as of {as_of.isoformat()}; failed{where}: "
                            f"{type(exc).__name__}; done before: {report.summary()}")
        raise RetentionFailed(f"retention stopped{where} ({exc}); that case is unchanged and "
                              f"the cases before it are done") from exc
    audit_record(user=None, actor_name="retention",
                 action="retention_dry_run" if dry_run else "retention_run",
                 detail=f"as of {as_of.isoformat()}; {report.summary()}")
    return report
