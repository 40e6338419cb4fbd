"""The first-contact look-up: given a victim as just recorded, the earlier records that are
likely the same person, within a second.

Two steps. Candidates come from the database: the records sharing a blocking key with the new
one (one indexed query on `LinkKey`), the same keys the batch linkage blocks on. Then the
trained Splink model scores each candidate against the new record (Splink's real-time
`compare_records` on an in-memory DuckDB, its SQL built once per model and cached), with the
names' frequencies from the model. No record leaves the database unless it shares a key.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
from django.db.models import Count

from victimjourney.linkage import splinkmodel
from victimjourney.linkage.indexing import FIELDS, lookup_keys, splink_row, stored_fields
from victimjourney.linkage.models import LinkageModel, LinkKey, LinkRecord
from victimjourney.linkage.normalise import LinkInput, Normalised, normalise

MAX_CANDIDATES = 300  # the records sharing the most keys; a common name shares few keys
_TF_SCHEMA = splinkmodel.SCHEMA.append(pa.field("tf_first_name", pa.float64())).append(
    pa.field("tf_surname", pa.float64()))


@dataclass(frozen=True)
class Match:
    record_id: int
    probability: float
    weight: float
    comparison: list[dict[str, Any]]


@dataclass
class LookupResult:
    matches: list[Match] = field(default_factory=list)  # best first, at or above threshold
    candidates: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # milliseconds by stage


class _Scorer:
    """Scores pairs with a model's Splink SQL on one in-memory DuckDB per process.

    Splink's real-time `compare_records` builds the SQL of the model (comparison levels,
    weights, name frequencies) on the first call; it is kept, with the two input tables given
    fixed names, and run directly afterwards: each look-up then costs one query, not the
    building and materialising of several. Used under a lock (a DuckDB connection is not
    shared between threads)."""

    LEFT, RIGHT = "vj_lookup_left", "vj_lookup_right"

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.api: Any = None
        self.sql: dict[int, str] = {}

    def _sql_for(self, model: LinkageModel, left: pa.Table, right: pa.Table) -> str:
        from splink.internals.realtime import compare_records

        result = compare_records(left, right, splinkmodel.for_scoring(model.settings),
                                 self.api)
        sql = re.sub(r"__splink__compare_records_left_\w+", self.LEFT,
                     result.sql_used_to_create)
        sql = re.sub(r"__splink__compare_records_right_\w+", self.RIGHT, sql)
        result.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
        con = self.api.duckdb_con
        for (name,) in con.execute("select view_name from duckdb_views() where not internal "
                                   "and view_name like '__splink__compare_records_%'"
                                   ).fetchall():
            con.unregister(name)
        columns = ", ".join(splinkmodel.output_columns(model.settings))
        return f"select {columns} from ({sql})"  # noqa: S608 (the model's own SQL)

    def score(self, model: LinkageModel, left: pa.Table, right: pa.Table) -> list[dict]:
        with self.lock:
            if self.api is None:
                self.api = splinkmodel.db_api(threads=1)
            if model.pk not in self.sql:
                self.sql[model.pk] = self._sql_for(model, left, right)
            con = self.api.duckdb_con
            con.register(self.LEFT, left)
            con.register(self.RIGHT, right)
            try:
                return con.sql(self.sql[model.pk]).to_arrow_table().to_pylist()
            finally:
                con.unregister(self.LEFT)
                con.unregister(self.RIGHT)


_scorer = _Scorer()


def _with_frequencies(rows: list[dict[str, Any]], model: LinkageModel) -> pa.Table:
    frequencies = model.frequencies
    for row in rows:
        for column in splinkmodel.TF_COLUMNS:
            value = row.get(column)
            row[f"tf_{column}"] = (splinkmodel.frequency(frequencies, column, value)
                                   if value else None)
    return pa.Table.from_pylist(rows, schema=_TF_SCHEMA)


def current_model() -> LinkageModel | None:
    return LinkageModel.objects.order_by("-created_at", "-id").first()


def candidate_ids(keys: list[str], *, limit: int = MAX_CANDIDATES) -> list[int]:
    if not keys:
        return []
    return list(LinkKey.objects.filter(key__in=keys).values("record_id")
                .annotate(shared=Count("id")).order_by("-shared", "-record_id")
                .values_list("record_id", flat=True)[:limit])


def earlier_records(new: LinkInput | Normalised, *, model: LinkageModel | None = None,
                    exclude_case_id: int | None = None, exclude_record_id: int | None = None,
                    threshold: float | None = None) -> LookupResult:
    """The indexed records likely to be the same person as NEW (match probability at or above
    THRESHOLD, default the model's), best first; records on the case EXCLUDE_CASE_ID (the
    current one) and EXCLUDE_RECORD_ID itself left out."""
    result = LookupResult()
    started = time.perf_counter()
    model = model or current_model()
    n = new if isinstance(new, Normalised) else normalise(new)
    if model is None or not (n.first_name or n.surname):
        return result
    ids = candidate_ids(lookup_keys(n))
    result.timings["candidates"] = _ms(started)
    records = (LinkRecord.objects.filter(pk__in=ids).values_list("id", "case_id", *FIELDS))
    rows = [splink_row(pk, case_id, values) for pk, case_id, *values in records
            if pk != exclude_record_id and (exclude_case_id is None or case_id != exclude_case_id)]
    result.candidates = len(rows)
    result.timings["fetch"] = _ms(started) - result.timings["candidates"]
    if not rows:
        return result
    left = splink_row(0, -1, stored_fields(n).values())
    scored = _scorer.score(model, _with_frequencies([left], model),
                           _with_frequencies(rows, model))
    result.timings["score"] = _ms(started) - result.timings["candidates"] - result.timings[
        "fetch"]
    cut = model.threshold if threshold is None else threshold
    names = splinkmodel.comparison_names(model.settings)
    for row in scored:
        if row["match_probability"] < cut:
            continue
        gammas, weights = splinkmodel.pair_evidence(row, names)
        result.matches.append(Match(
            record_id=int(row["unique_id_r"]), probability=float(row["match_probability"]),
            weight=float(row["match_weight"]),
            comparison=splinkmodel.explain(model.settings, gammas, weights)))
    result.matches.sort(key=lambda m: (-m.weight, m.record_id))  # probability saturates at 1
    result.timings["total"] = _ms(started)
    return result


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
