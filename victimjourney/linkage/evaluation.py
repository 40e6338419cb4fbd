"""How well the model links: precision and recall against the synthetic population's truth.

Pairwise: a true pair is two records of one person (on different cases); a predicted pair is
one the model scores at or above the threshold. Recall counts every true pair, including those
blocking never compared. No database: the population is normalised and linked in DuckDB.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from victimjourney.linkage import splinkmodel
from victimjourney.linkage.normalise import LinkInput, normalise
from victimjourney.linkage.synthetic import SyntheticVictim, population

CURVE = (0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995,
         0.999)


@dataclass
class Point:
    threshold: float
    precision: float
    recall: float
    predicted: int


@dataclass
class Evaluation:
    records: int
    people: int
    true_pairs: int
    scored_true_pairs: int  # true pairs scored at or above the lowest threshold of the curve
    threshold: float
    precision: float
    recall: float
    curve: list[Point]
    false_positives: dict[str, int] = field(default_factory=dict)  # by relation
    missed: dict[str, int] = field(default_factory=dict)  # false negatives by variation
    timings: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["curve"] = [p.__dict__ for p in self.curve]
        return out


def synthetic_table(victims: Sequence[SyntheticVictim]) -> pa.Table:
    rows = []
    for v in victims:
        row = normalise(LinkInput.from_victim(name=v.name, date_of_birth=v.date_of_birth,
                                              contact=v.contact)).as_row()
        row["unique_id"] = row["case_id"] = v.record
        rows.append(row)
    return splinkmodel.records_table(rows)


def evaluate(*, records: int, seed: int = 1, threshold: float = splinkmodel.DEFAULT_THRESHOLD,
             model: dict[str, Any] | None = None, backend: str = "duckdb",
             spark: Any = None) -> Evaluation:
    """Generate RECORDS synthetic victim records (SEED), train on them unless MODEL is given,
    predict, and measure against the truth."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    victims = list(population(records, seed=seed))
    timings["generate"] = time.perf_counter() - started
    table = synthetic_table(victims)
    timings["normalise"] = time.perf_counter() - started - sum(timings.values())
    api = splinkmodel.db_api(backend, spark=spark)
    if model is None:
        model = splinkmodel.train(table, api=api)
    timings["train"] = time.perf_counter() - started - sum(timings.values())
    lowest = min(min(CURVE), threshold)
    pairs = splinkmodel.predict(model, table, api=api,
                                threshold_weight=splinkmodel.weight(lowest))
    timings["predict"] = time.perf_counter() - started - sum(timings.values())
    result = measure(victims, pairs, threshold=threshold)
    result.timings = {k: round(v, 2) for k, v in timings.items()}
    return result


def measure(victims: Sequence[SyntheticVictim], pairs: pa.Table, *, threshold: float
            ) -> Evaluation:
    """Precision and recall of scored PAIRS against the truth of VICTIMS."""
    by_record = {v.record: v for v in victims}
    people = Counter(v.person for v in victims)
    true_pairs = sum(n * (n - 1) // 2 for n in people.values())
    left = pairs.column("unique_id_l").to_pylist()
    right = pairs.column("unique_id_r").to_pylist()
    probability = pairs.column("match_probability").to_pylist()
    truth = [by_record[a].person == by_record[b].person for a, b in zip(left, right, strict=True)]
    curve = []
    for cut in sorted({*CURVE, threshold}):
        chosen = [t for t, p in zip(truth, probability, strict=True) if p >= cut]
        hits = sum(chosen)
        curve.append(Point(threshold=cut, precision=round(hits / max(len(chosen), 1), 4),
                           recall=round(hits / max(true_pairs, 1), 4), predicted=len(chosen)))
    at = next(p for p in curve if p.threshold == threshold)
    false_positives: Counter[str] = Counter()
    found = set()
    for a, b, t, p in zip(left, right, truth, probability, strict=True):
        if p < threshold:
            continue
        if t:
            found.add((min(a, b), max(a, b)))
        else:
            false_positives[_relation(by_record[a], by_record[b])] += 1
    missed: Counter[str] = Counter()
    members: dict[int, list[int]] = {}
    for v in victims:
        members.setdefault(v.person, []).append(v.record)
    for ids in members.values():
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                if (min(a, b), max(a, b)) not in found:
                    notes = set(by_record[a].variation) | set(by_record[b].variation)
                    missed.update(notes or {"(none)"})
    return Evaluation(records=len(victims), people=len(people), true_pairs=true_pairs,
                      scored_true_pairs=sum(truth), threshold=threshold,
                      precision=at.precision, recall=at.recall, curve=curve,
                      false_positives=dict(false_positives.most_common()),
                      missed=dict(missed.most_common()))


def _relation(a: SyntheticVictim, b: SyntheticVictim) -> str:
    if a.related_to == b.person:
        return a.relation
    if b.related_to == a.person:
        return b.relation
    return "unrelated"
