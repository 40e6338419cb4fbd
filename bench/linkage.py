"""Linkage benchmark: link N synthetic victim records, then look up new reports against them.

    /tmp/vjvenv/bin/python bench/linkage.py                      # 1,000,000 records
    /tmp/vjvenv/bin/python bench/linkage.py --records 100000     # a quicker run
    /tmp/vjvenv/bin/python bench/linkage.py --skip-db            # Splink only, no database
    /tmp/vjvenv/bin/python bench/linkage.py --json --save out.json

1. Population: `linkage.synthetic.population(N + held out)` with its truth (not timed in the
   totals). LOOKUPS records are held out as the new reports: half are the latest report of a
   person with earlier reports, half a person's only report.
2. Splink alone (no database): normalise the N records, train the model (u by random
   sampling, m by expectation maximisation), predict every blocked pair: time, CPU and peak
   memory of each step; precision, recall and the precision-recall curve against the truth.
3. Database (PostgreSQL): N cases and victims written straight into their tables (setup, not
   timed in the totals), then `linkage.services.linkage_run(retrain=True)` end to end (index
   the victims with their blocking keys, read them, train, predict, store the candidate links;
   time per stage, peak memory of this process), then the first-contact look-up of each
   held-out record: `lookup.earlier_records` (the candidates by blocking key, then the
   trained model's scores), and the same plus what the page adds (confirmed links, the
   history the user may see). Latency p50 / p95 / max, and per stage of the look-up.
A PostgreSQL server is started with scripts/postgres unless DATABASE_URL names one. Progress on
stderr; the report (or JSON) on stdout. See docs/LINKAGE.md for figures.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.replay import Server, log, machine  # noqa: E402

TARGET_LINK_S = 600
TARGET_LOOKUP_P95_MS = 500


def _rss_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak since the last reset) of this process, in MB."""
    status = Path("/proc/self/status").read_text()
    return round(int(re.search(rf"{field}:\s+(\d+)", status).group(1)) / 1024, 0)


def _peak_reset() -> float:
    """Start measuring a stage's peak memory: resets this process's peak RSS (Linux
    /proc/self/clear_refs) and returns the RSS now. DuckDB runs inside this process, so its
    memory is counted; PostgreSQL's is not."""
    Path("/proc/self/clear_refs").write_text("5")
    return _rss_mb("VmRSS")


def _split(victims: list, lookups: int, seed: int) -> tuple[list, list, list]:
    """(loaded, new reports of known people, new reports of new people)."""
    rng = random.Random(seed)
    by_person: dict[int, list] = {}
    for v in victims:
        by_person.setdefault(v.person, []).append(v)
    repeat = [p for p, rs in by_person.items() if len(rs) > 1]
    single = [p for p, rs in by_person.items() if len(rs) == 1]
    known = [max(by_person[p], key=lambda v: v.reported_at)
             for p in rng.sample(repeat, min(lookups // 2, len(repeat)))]
    unknown = [by_person[p][0] for p in rng.sample(single, min(lookups - len(known),
                                                                len(single)))]
    held = {v.record for v in known + unknown}
    return [v for v in victims if v.record not in held], known, unknown


def bench_pure(loaded: list, threshold: float) -> dict[str, Any]:
    from victimjourney.linkage import evaluation, splinkmodel

    out: dict[str, Any] = {}
    started = time.perf_counter()
    table = evaluation.synthetic_table(loaded)
    out["normalise_s"] = round(time.perf_counter() - started, 1)
    log(f"normalised {table.num_rows:,} records in {out['normalise_s']} s; training")
    api = splinkmodel.db_api()
    out["rss_before_train_mb"] = _peak_reset()
    started, cpu = time.perf_counter(), time.process_time()
    model = splinkmodel.train(table, api=api)
    out["train_s"] = round(time.perf_counter() - started, 1)
    out["train_cpu_s"] = round(time.process_time() - cpu, 1)
    out["train_peak_rss_mb"] = _rss_mb("VmHWM")
    log(f"trained in {out['train_s']} s (peak RSS {out['train_peak_rss_mb']:,.0f} MB); "
        "predicting")
    out["rss_before_predict_mb"] = _peak_reset()
    started, cpu = time.perf_counter(), time.process_time()
    pairs = splinkmodel.predict(model, table, api=api,
                                threshold_weight=splinkmodel.weight(evaluation.CURVE[0]))
    out["predict_s"] = round(time.perf_counter() - started, 1)
    out["predict_cpu_s"] = round(time.process_time() - cpu, 1)
    out["predict_peak_rss_mb"] = _rss_mb("VmHWM")
    out["pairs_scored_above_0.01"] = pairs.num_rows
    log(f"predicted {pairs.num_rows:,} pairs in {out['predict_s']} s (peak RSS "
        f"{out['predict_peak_rss_mb']:,.0f} MB); measuring")
    result = evaluation.measure(loaded, pairs, threshold=threshold)
    out["total_s"] = round(out["normalise_s"] + out["train_s"] + out["predict_s"], 1)
    out["evaluation"] = result.as_dict()
    return out


def _load_tables(loaded: list) -> float:
    """Cases and victims straight into their tables (setup for the database run)."""
    from django.db import connection

    from victimjourney.cases.models import Case
    from victimjourney.core.bulk import copy_rows, insert_returning
    from victimjourney.victims.models import Victim

    # COPY bypasses the ORM: each personal value goes through its field's own preparation, so
    # a field encrypted at rest is sealed as `save()` would seal it.
    name, dob, contact = (Victim._meta.get_field(f).get_db_prep_value
                          for f in ("name", "date_of_birth", "contact"))
    started = time.perf_counter()
    now = dt.datetime.now(dt.UTC)
    for start in range(0, len(loaded), 50_000):
        chunk = loaded[start:start + 50_000]
        ids = dict(insert_returning(
            Case._meta.db_table,
            [("reference", "text"), ("force_id", "text"), ("offence", "text"),
             ("reported_at", "timestamptz"), ("created_at", "timestamptz"),
             ("updated_at", "timestamptz")],
            [(v.case_reference, f"police:{v.force}", v.offence, v.reported_at, now, now)
             for v in chunk], returning=("reference", "id")))
        copy_rows(Victim._meta.db_table,
                  ("case_id", "key", "kind", "name", "date_of_birth", "on_behalf_of",
                   "language", "contact", "identified_at", "enhanced_now"),
                  ((ids[v.case_reference], "V1", "person", name(v.name, connection),
                    dob(v.date_of_birth, connection), "", "en", contact(v.contact, connection),
                    v.reported_at, False) for v in chunk),
                  json_columns=("contact",))
    return round(time.perf_counter() - started, 1)


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"n": len(ordered), "p50_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
            "max_ms": round(ordered[-1], 1), "mean_ms": round(statistics.fmean(ordered), 1)}


def bench_db(server: Server, loaded: list, known: list, unknown: list, args) -> dict[str, Any]:
    name = f"vjbench_linkage_{len(loaded)}_{os.getpid()}"
    url = server.createdb(name)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-not-for-production")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    out: dict[str, Any] = {"database": name, "server": server.version()}
    call_command("migrate", verbosity=0)
    out["setup_load_s"] = _load_tables(loaded)
    log(f"loaded {len(loaded):,} cases and victims in {out['setup_load_s']} s; linking")
    from victimjourney.core import clock
    from victimjourney.linkage.services import linkage_run

    out["rss_before_link_mb"] = _peak_reset()
    started, cpu = time.perf_counter(), time.process_time()
    run = linkage_run(now=clock.now(), retrain=True, threshold=args.threshold)
    out["link_s"] = round(time.perf_counter() - started, 1)
    out["link_cpu_s_of_this_process"] = round(time.process_time() - cpu, 1)
    out["link_peak_rss_mb"] = _rss_mb("VmHWM")
    out["link_stages_s"] = run.timings
    out["links_stored"] = run.links_new
    log(f"linkage_run in {out['link_s']} s {run.timings}; {run.links_new:,} links")
    if args.rerun:
        started = time.perf_counter()
        again = linkage_run(now=clock.now())
        out["rerun_s"] = round(time.perf_counter() - started, 1)
        out["rerun_stages_s"] = again.timings
        log(f"re-run (stored model) in {out['rerun_s']} s {again.timings}")
    out["lookup"] = _lookups(known, unknown, loaded)
    if not args.keep:
        from django.db import connections

        connections.close_all()
        server.dropdb(name)
    return out


def _lookups(known: list, unknown: list, loaded: list) -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    from victimjourney.accounts.services import staff_create
    from victimjourney.linkage import selectors
    from victimjourney.linkage.lookup import current_model, earlier_records
    from victimjourney.linkage.models import LinkRecord
    from victimjourney.linkage.normalise import LinkInput

    user = (get_user_model().objects.filter(username="bench").first()
            or staff_create(username="bench", password="bench-password-1", role="administrator",
                            organisation="police:kent"))
    model = current_model()
    cases = dict(LinkRecord.objects.values_list("case__reference", "pk"))
    earlier: dict[int, set[int]] = {}
    for v in loaded:
        earlier.setdefault(v.person, set()).add(cases[v.case_reference])
    queries = [(v, True) for v in known] + [(v, False) for v in unknown]
    random.Random(5).shuffle(queries)
    lookup_ms, page_ms, cpu_ms, found_all, found_some, false_people = [], [], [], 0, 0, 0
    stages: dict[str, list[float]] = {"candidates": [], "fetch": [], "score": []}
    candidates: list[float] = []
    cold_ms = None
    for i, (v, is_known) in enumerate(queries):
        new = LinkInput.from_victim(name=v.name, date_of_birth=v.date_of_birth,
                                    contact=v.contact)
        started, cpu = time.perf_counter(), time.process_time()
        result = earlier_records(new, model=model)
        middle = time.perf_counter()
        people = [selectors.person_record_ids(m.record_id) for m in result.matches]
        selectors.history(user, {pk for ids in people for pk in ids},
                          matched={m.record_id: (m.probability, m.comparison)
                                   for m in result.matches})
        ended = time.perf_counter()
        if i == 0:
            cold_ms = round((ended - started) * 1000, 1)
            continue
        lookup_ms.append((middle - started) * 1000)
        for stage, values in stages.items():
            values.append(result.timings.get(stage, 0.0))
        candidates.append(result.candidates)
        page_ms.append((ended - started) * 1000)
        cpu_ms.append((time.process_time() - cpu) * 1000)
        matched = {m.record_id for m in result.matches}
        truth = earlier.get(v.person, set())
        if is_known:
            found_all += truth <= matched
            found_some += bool(truth & matched)
        false_people += bool(matched - truth)
    return {"cold_first_ms": cold_ms, "earlier_records": _percentiles(lookup_ms),
            "with_history": _percentiles(page_ms),
            "with_history_cpu_of_this_process": _percentiles(cpu_ms),
            "stages": {stage: _percentiles(values) for stage, values in stages.items()},
            "candidates_p50": statistics.median(candidates), "candidates_max": max(candidates),
            "known_people": len(known), "found_all_earlier": found_all,
            "found_some_earlier": found_some,
            "lookups_with_a_wrong_match": false_people, "lookups": len(queries)}


def print_report(report: dict[str, Any]) -> None:
    w = print
    w(f"Linkage benchmark: {report['records']:,} records (seed {report['seed']}), "
      f"{report['machine'].get('cpus')} CPUs, {report['machine'].get('cpu', '')}")
    w(f"  population generated in {report['generate_s']} s (not counted); load average at "
      f"start {report['load_average_at_start']}, at end {report.get('load_average_at_end')}")
    pure = report.get("pure")
    if pure:
        ev = pure["evaluation"]
        w(f"Splink alone: normalise {pure['normalise_s']} s + train {pure['train_s']} s + "
          f"predict {pure['predict_s']} s = {pure['total_s']} s (CPU: train "
          f"{pure['train_cpu_s']} s, predict {pure['predict_cpu_s']} s, both cores)")
        w(f"  peak RSS of this process: train {pure['train_peak_rss_mb']:,.0f} MB, predict "
          f"{pure['predict_peak_rss_mb']:,.0f} MB (RSS before: "
          f"{pure['rss_before_train_mb']:,.0f} / {pure['rss_before_predict_mb']:,.0f} MB)")
        w(f"  at p >= {ev['threshold']}: precision {ev['precision']:.4f}, recall "
          f"{ev['recall']:.4f} ({ev['true_pairs']:,} true pairs)")
        w("  threshold precision recall predicted")
        for p in ev["curve"]:
            w(f"  {p['threshold']:>9} {p['precision']:>9.4f} {p['recall']:>6.4f} "
              f"{p['predicted']:>9,}")
        w(f"  false positives by relation: {ev['false_positives']}")
    db = report.get("db")
    if db:
        verdict = "met" if db["link_s"] <= TARGET_LINK_S else "NOT met"
        w(f"Database ({db['server']}): setup load {db['setup_load_s']} s (not counted)")
        w(f"  linkage_run end to end: {db['link_s']} s (target {TARGET_LINK_S} s: {verdict}); "
          f"stages {db['link_stages_s']}; {db['links_stored']:,} candidate links; CPU of "
          f"this process {db['link_cpu_s_of_this_process']} s; peak RSS "
          f"{db['link_peak_rss_mb']:,.0f} MB (before: {db['rss_before_link_mb']:,.0f} MB)")
        if "rerun_s" in db:
            w(f"  re-run with the stored model: {db['rerun_s']} s; {db['rerun_stages_s']}")
        lk = db["lookup"]
        p95 = lk["with_history"]["p95_ms"]
        verdict = "met" if p95 <= TARGET_LOOKUP_P95_MS else "NOT met"
        w(f"  first-contact look-up ({lk['lookups']} new reports; first, cold: "
          f"{lk['cold_first_ms']} ms):")
        w(f"    earlier_records: {lk['earlier_records']}")
        w(f"    with history:    {lk['with_history']} (p95 target {TARGET_LOOKUP_P95_MS} ms: "
          f"{verdict})")
        stages = lk.get("stages", {})
        w("    stages of earlier_records (p50 / p95 ms): " + "; ".join(
            f"{stage} {v['p50_ms']} / {v['p95_ms']}" for stage, v in stages.items())
          + f"; candidates scored p50 {lk.get('candidates_p50')}, max {lk.get('candidates_max')}")
        w(f"    CPU of this process (excludes PostgreSQL): "
          f"{lk['with_history_cpu_of_this_process']}")
        w(f"    known people: all earlier reports found {lk['found_all_earlier']}/"
          f"{lk['known_people']}, some {lk['found_some_earlier']}/{lk['known_people']}; "
          f"look-ups with a wrong match: {lk['lookups_with_a_wrong_match']}")


def main(argv: list[str] | None = None) -> int:
    from victimjourney.linkage.splinkmodel import DEFAULT_THRESHOLD

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                        help=f"match probability of a link (default {DEFAULT_THRESHOLD}, the "
                             "app's); the curve covers 0.01 to 0.999 whatever it is")
    parser.add_argument("--skip-pure", action="store_true", help="no Splink-only run")
    parser.add_argument("--skip-db", action="store_true", help="no database run")
    parser.add_argument("--rerun", action="store_true", help="also time a run on a stored model")
    parser.add_argument("--port", type=int, default=55498)
    parser.add_argument("--keep", action="store_true", help="keep the server and database")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--save", help="also write the JSON report to this file")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-not-for-production")
    # Keys for the fields encrypted at rest (core/crypto.py): random, for this run only.
    os.environ.setdefault("VJ_FIELD_KEYS", base64.urlsafe_b64encode(os.urandom(32)).decode())
    os.environ.setdefault("VJ_BLIND_INDEX_KEY", base64.urlsafe_b64encode(os.urandom(32)).decode())

    from victimjourney.linkage.synthetic import population

    def save() -> None:  # after each stage, so that a failure later keeps what was measured
        if args.save:
            Path(args.save).write_text(json.dumps(report, indent=1, default=str) + "\n")

    report: dict[str, Any] = {"records": args.records, "seed": args.seed,
                              "machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M"),
                              "load_average_at_start": os.getloadavg()}
    started = time.perf_counter()
    victims = list(population(args.records + args.lookups, seed=args.seed))
    loaded, known, unknown = _split(victims, args.lookups, args.seed)
    report["records"] = len(loaded)
    report["generate_s"] = round(time.perf_counter() - started, 1)
    log(f"generated {len(victims):,} records in {report['generate_s']} s")
    if not args.skip_pure:
        report["pure"] = bench_pure(loaded, args.threshold)
        save()
    if not args.skip_db:
        with Server(args.port, args.keep) as server:
            report["db"] = bench_db(server, loaded, known, unknown, args)
    report["load_average_at_end"] = os.getloadavg()
    save()
    if args.json:
        print(json.dumps(report, indent=1, default=str))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
