"""Writes of linkage: the batch run, a person's decision on a link, and the persistently-
targeted proposals and their decisions (which record a `victim.categorised` event through the
feed import, so the enhanced deadlines follow from the engine)."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from django.db import connection, transaction

from victimjourney.core.bulk import copy_rows, is_postgres
from victimjourney.core.errors import DomainError, FeedErrors
from victimjourney.duties.services import feed_import
from victimjourney.linkage import splinkmodel
from victimjourney.linkage.definitions import Crime, assess, definition_from_settings
from victimjourney.linkage.indexing import records_index_refresh, splink_rows
from victimjourney.linkage.lookup import current_model
from victimjourney.linkage.models import (
    CandidateLink,
    CategoryProposal,
    LinkageModel,
    LinkageRun,
    LinkDecision,
    LinkRecord,
)
from victimjourney.linkage.splinkmodel import DEFAULT_THRESHOLD
from victimjourney.victims.categories import CategoryChange, in_force
from victimjourney.victims.models import CategoryRecord

DEFAULT_MODEL = Path(__file__).with_name("default_model.json")
# How common names are in the synthetic population the shipped model was trained on: used
# instead of the records' own when there are too few of them to say.
DEFAULT_FREQUENCIES = Path(__file__).with_name("default_frequencies.json")
# Fewer records than this and the model is not trained on them: the shipped model is used.
MIN_TRAINING_RECORDS = 5_000
LINK_COLUMNS = ("left_id", "right_id", "match_probability", "match_weight", "gammas",
                "weights", "model_id", "found_at", "status", "decided_by", "reason")


def default_settings() -> dict[str, Any]:
    """The shipped model: trained on the synthetic population (`linkage train-default`)."""
    return json.loads(DEFAULT_MODEL.read_text())


def default_frequencies() -> dict[str, Any]:
    return json.loads(DEFAULT_FREQUENCIES.read_text())


def _threshold() -> float:
    return float(getattr(django_settings, "LINKAGE_THRESHOLD", DEFAULT_THRESHOLD))


def linkage_run(*, now: dt.datetime, backend: str = "duckdb", retrain: bool = False,
                threshold: float | None = None, spark: Any = None) -> LinkageRun:
    """Index the victims, train the model if asked (or if none is trained yet and there are
    enough records), score every blocked pair, and store the pairs at or above the threshold
    as candidate links. Links already decided keep their decision."""
    run = LinkageRun.objects.create(started_at=now, backend=backend)
    clock_start = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(stage: str) -> None:
        timings[stage] = round(time.perf_counter() - clock_start - sum(timings.values()), 2)

    records_index_refresh(now=now)
    lap("index")
    table = splinkmodel.records_table(splink_rows())
    lap("read")
    api = splinkmodel.db_api(backend, spark=spark)
    model = current_model()
    cut = threshold if threshold is not None else (model.threshold if model else _threshold())
    enough = table.num_rows >= MIN_TRAINING_RECORDS
    frequencies = splinkmodel.term_frequencies(table) if enough else default_frequencies()
    must_train = retrain or model is None or model.source == "default"
    if must_train and enough:
        model = LinkageModel.objects.create(
            created_at=now, source="trained", records=table.num_rows,
            settings=splinkmodel.train(table, api=api), frequencies=frequencies, threshold=cut)
        run.trained = True
    elif model is None:
        model = LinkageModel.objects.create(
            created_at=now, source="default", records=table.num_rows,
            settings=default_settings(), frequencies=frequencies, threshold=cut)
    else:
        model.frequencies, model.records, model.threshold = frequencies, table.num_rows, cut
        model.save(update_fields=["frequencies", "records", "threshold"])
    lap("train")
    pairs = splinkmodel.predict(model.settings, table, api=api, frequencies=frequencies,
                                threshold_weight=splinkmodel.weight(cut))
    lap("predict")
    run.links_new = links_store(pairs, model=model, now=now)
    lap("store")
    run.model, run.records, run.pairs, run.timings = model, table.num_rows, pairs.num_rows, timings
    run.finished_at = now + dt.timedelta(seconds=time.perf_counter() - clock_start)
    run.save()
    return run


def links_store(pairs, *, model: LinkageModel, now: dt.datetime) -> int:
    """Store scored pairs as candidate links: new pairs proposed; proposed ones re-scored;
    decided ones left alone; proposed links the run no longer finds removed. Returns the
    number of new links."""
    names = splinkmodel.comparison_names(model.settings)
    found: dict[tuple[int, int], tuple] = {}
    for row in pairs.to_pylist():
        left, right = sorted((int(row["unique_id_l"]), int(row["unique_id_r"])))
        gammas, weights = splinkmodel.pair_evidence(row, names)
        found[(left, right)] = (left, right, float(row["match_probability"]),
                                float(row["match_weight"]), gammas, weights, model.pk, now,
                                "proposed", "", "")
    existing = {(left, right): (pk, status, weight) for pk, left, right, status, weight in
                CandidateLink.objects.values_list("id", "left_id", "right_id", "status",
                                                  "match_weight").iterator(chunk_size=20_000)}
    fresh = [row for key, row in found.items() if key not in existing]
    # Re-scored: proposed links whose weight moved (a new model, changed records).
    rescored = [(existing[key][0], *row[2:7]) for key, row in found.items()
                if key in existing and existing[key][1] == "proposed"
                and abs(existing[key][2] - row[3]) > 1e-6]
    stale = [pk for key, (pk, status, _) in existing.items()
             if status == "proposed" and key not in found]
    with transaction.atomic():
        for start in range(0, len(stale), 5000):
            CandidateLink.objects.filter(pk__in=stale[start:start + 5000]).delete()
        if is_postgres():
            copy_rows(CandidateLink._meta.db_table, LINK_COLUMNS, fresh,
                      json_columns=("gammas", "weights"))
            _rescore_postgres(rescored)
        else:
            CandidateLink.objects.bulk_create(
                [CandidateLink(**dict(zip(LINK_COLUMNS, row, strict=True))) for row in fresh],
                batch_size=2000)
            CandidateLink.objects.bulk_update(
                [CandidateLink(pk=pk, match_probability=p, match_weight=w, gammas=g,
                               weights=ws, model_id=m) for pk, p, w, g, ws, m in rescored],
                ["match_probability", "match_weight", "gammas", "weights", "model"],
                batch_size=2000)
    return len(fresh)


RESCORE_COLUMNS = ("id", "match_probability", "match_weight", "gammas", "weights", "model_id")


def _rescore_postgres(rows: list[tuple]) -> None:
    """Many links re-scored at once: COPY into a temporary table, one UPDATE from it."""
    if not rows:
        return
    table = CandidateLink._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE linkage_rescore (id bigint, match_probability "
                       "double precision, match_weight double precision, gammas jsonb, "
                       "weights jsonb, model_id bigint) ON COMMIT DROP")
        copy_rows("linkage_rescore", RESCORE_COLUMNS, rows, json_columns=("gammas", "weights"))
        cursor.execute(
            f"UPDATE {table} AS l SET match_probability = r.match_probability, "  # noqa: S608
            "match_weight = r.match_weight, gammas = r.gammas, weights = r.weights, "
            "model_id = r.model_id FROM linkage_rescore AS r WHERE l.id = r.id")


def _who(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def link_decide(*, user: Any, link: CandidateLink, decision: str, reason: str,
                now: dt.datetime) -> LinkDecision:
    """A person confirms (the two records are one person) or rejects a link, with a reason.
    A later decision replaces an earlier one; every decision is kept."""
    if decision not in ("confirmed", "rejected"):
        raise DomainError("Choose whether the records are the same person")
    if not reason.strip():
        raise DomainError("Give the reason for your decision")
    staff = getattr(user, "staff", None)
    with transaction.atomic():
        made = LinkDecision.objects.create(
            link=link, decision=decision, reason=reason.strip(), decided_by=_who(user),
            user=user, organisation=staff.organisation_id if staff else "", decided_at=now)
        link.status, link.reason = decision, reason.strip()
        link.decided_by, link.decided_at = made.decided_by, now
        link.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    return made


def confirmed_people() -> list[set[int]]:
    """The people made by confirmed links: each a set of two or more record ids."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for left, right in CandidateLink.objects.filter(status="confirmed").values_list(
            "left_id", "right_id").iterator(chunk_size=20_000):
        parent[root(left)] = root(right)
    people: dict[int, set[int]] = {}
    for x in list(parent):
        people.setdefault(root(x), set()).add(x)
    return list(people.values())


def proposals_find(*, now: dt.datetime, tests=None) -> list[CategoryProposal]:
    """Propose the persistently-targeted category for each person whose crimes, across their
    confirmed links, meet a test, on their latest record, with the crimes as evidence; unless
    the category already applies there, or the same test was already proposed there."""
    tests = tests or definition_from_settings(getattr(django_settings,
                                                 "LINKAGE_PERSISTENT_TARGETING", None))
    made = []
    for people in _chunks(confirmed_people(), 500):
        records = {r.pk: r for r in LinkRecord.objects.filter(
            pk__in={pk for person in people for pk in person}).select_related(
            "case__force", "victim")}
        applies = _persistently_targeted_now({r.victim_id for r in records.values()}, now)
        for person in people:
            own = [records[pk] for pk in person if pk in records
                   and records[pk].victim.kind == "person" and records[pk].case.reported_at]
            if not own:
                continue
            crimes = [Crime(record_id=r.pk, case_reference=r.case.reference,
                            force=r.case.force.name if r.case.force else "",
                            offence=r.case.offence, reported_at=r.case.reported_at or now)
                      for r in own]
            latest = max(own, key=lambda r: (r.case.reported_at or now, r.pk))
            if latest.victim_id in applies:
                continue
            for finding in assess(crimes, tests):
                evidence = [{"record": c.record_id, "case": c.case_reference, "force": c.force,
                             "offence": c.offence, "reported_at": c.reported_at.isoformat()}
                            for c in finding.crimes]
                proposal, created = CategoryProposal.objects.get_or_create(
                    record=latest, rule=finding.test.code,
                    defaults={"summary": finding.summary, "evidence": evidence,
                              "proposed_at": now})
                if created:
                    made.append(proposal)
    return made


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _persistently_targeted_now(victim_ids: set[int], now: dt.datetime) -> set[int]:
    changes: dict[int, list[CategoryChange]] = {}
    for row in CategoryRecord.objects.filter(victim_id__in=victim_ids,
                                             category="persistently_targeted"):
        changes.setdefault(row.victim_id, []).append(CategoryChange(
            at=row.effective_at, category=row.category, state=row.state, reason=row.reason,
            source=row.source, event_id=row.event_id))
    return {vid for vid, items in changes.items() if in_force(items, now)}


def proposal_decide(*, user: Any, proposal: CategoryProposal, decision: str, reason: str,
                    now: dt.datetime) -> CategoryProposal:
    """Confirm (the category is recorded on the victim's latest case, through the feed, so the
    enhanced deadlines follow from now) or decline a proposal, with a reason."""
    if decision not in ("confirmed", "declined"):
        raise DomainError("Choose whether the category applies")
    if not reason.strip():
        raise DomainError("Give the reason for your decision")
    if proposal.status != "proposed":
        raise DomainError("This proposal has already been decided")
    staff = getattr(user, "staff", None)
    if decision == "confirmed":
        if staff is None:
            raise DomainError("Only staff may record a category")
        record = proposal.record
        proposal.event_id = f"lk-{uuid.uuid4()}"
        line = {"id": proposal.event_id, "type": "victim.categorised",
                "case": record.case.reference, "provider": staff.organisation_id,
                "occurred_at": now.isoformat(), "victim": record.victim.key,
                "data": {"category": "persistently_targeted", "state": "applies",
                         "reason": f"Persistently targeted: {proposal.summary}. "
                                   f"{reason.strip()}",
                         "confirmed_by": _who(user)}}
        try:
            with transaction.atomic():
                feed_import(lines=[json.dumps(line)], source=f"linkage:{user.get_username()}")
                _decided(proposal, user, decision, reason, now)
        except FeedErrors as exc:
            raise DomainError(str(exc)) from exc
    else:
        _decided(proposal, user, decision, reason, now)
    return proposal


def _decided(proposal: CategoryProposal, user: Any, decision: str, reason: str,
             now: dt.datetime) -> None:
    proposal.status, proposal.reason = decision, reason.strip()
    proposal.decided_by, proposal.decided_at = _who(user), now
    proposal.save(update_fields=["status", "reason", "decided_by", "decided_at", "event_id"])
