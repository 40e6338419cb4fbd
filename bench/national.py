"""National-year benchmark: generate, import, sweep and metrics, end to end, at several scales.

    DATABASE_URL=postgres://postgres@127.0.0.1:55440/postgres \\
        /tmp/vjvenv/bin/python bench/national.py                      # scales 0.01 0.03 0.1
    ... bench/national.py --scales 0.01 0.03                           # the quicker ones
    ... bench/national.py --json --save figures.json

For each scale, in a fresh PostgreSQL database on the server DATABASE_URL names
(`vjnat_<scale>`), each step runs as the command a user would type, in a process of its own,
timed (wall and CPU) with its peak RSS read from the kernel (`wait4`):
  generate  `victimjourney generate --scale S --seed N --out FEED`
  (migrate  `victimjourney migrate`: timed, not counted)
  import    `victimjourney import FEED` (events stored, duties computed)
  sweep     `victimjourney sweep --now <truth instant>`
  metrics   `victimjourney metrics --as-of <truth instant> --format json --dimensions force`
Then the metrics are checked against the generator's ground truth (every tracked duty and
finding, by force): the analytics must recover it exactly. The table gives each step's cost
per 1,000 events, so that growth with volume is visible. Progress goes to stderr; the table (or
JSON) to stdout; exit status 1 if a step failed or the truth was not recovered. The databases
are dropped at the end unless --keep. See bench/README.md.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from victimjourney.synthetic.truth import FINDING_METRICS  # noqa: E402

TARGET_SECONDS_AT_TENTH = 15 * 60
STEPS = ("generate", "import", "sweep", "metrics")


def log(message: str) -> None:
    print(f"[national {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _libpq(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, parts.query, parts.fragment))


def _admin(url: str, statement: str) -> None:
    import psycopg
    from psycopg import sql

    name = statement.split(" ", 1)[1]
    verb = statement.split(" ", 1)[0]
    with psycopg.connect(_libpq(_with_database(url, "postgres")), autocommit=True) as conn:
        if verb in ("create", "drop"):
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
        if verb == "create":
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _count(url: str, table: str) -> int:
    import psycopg

    with psycopg.connect(_libpq(url)) as conn:
        row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def _env(database_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DJANGO_DEBUG="false",
               PYTHONHASHSEED="0")
    if database_url:
        env["DATABASE_URL"] = database_url
    env.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-not-for-production")
    env.setdefault("VJ_FIELD_KEYS", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    env.setdefault("VJ_BLIND_INDEX_KEY", secrets.token_hex(32))
    return env


def run_step(args: list[str], env: dict[str, str], stdout_path: Path | None = None
             ) -> dict[str, Any]:
    """Run `victimjourney ARGS` in a process of its own: wall, CPU, peak RSS, its output."""
    command = [sys.executable, "-m", "victimjourney", *args]
    out = open(stdout_path, "w", encoding="utf-8") if stdout_path else subprocess.PIPE  # noqa: SIM115
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.PIPE,
                            text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    stdout = "" if stdout_path else (proc.stdout.read() if proc.stdout else "")
    stderr = proc.stderr.read() if proc.stderr else ""
    if stdout_path:
        out.close()  # type: ignore[union-attr]
    if proc.returncode != 0:
        sys.stderr.write(stderr[-4000:])
        raise SystemExit(f"`victimjourney {' '.join(args[:1])}` failed "
                         f"(exit status {proc.returncode})")
    return {"seconds": round(seconds, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "stdout": stdout.strip()}


def truth_check(truth: dict[str, Any], metrics: list[dict[str, Any]]) -> dict[str, int]:
    """Compare the metrics by force with the ground truth: cells compared and cells wrong."""
    by_id = {m["id"]: m for m in metrics}
    compared = wrong = 0
    for ent in truth["tracked_entitlements"]:
        by_force = by_id[f"entitlement.{ent}"]["breakdowns"]["force"]
        for force, body in truth["forces"].items():
            expected = body["duties"].get(ent, {})
            found = by_force.get(f"police:{force}", {}).get("parts", {})
            for status in ("met", "late", "breached", "open", "not_applicable"):
                compared += 1
                wrong += expected.get(status, 0) != found.get(status, 0)
    for name, metric in FINDING_METRICS.items():
        by_force = by_id[metric]["breakdowns"]["force"]
        for force, body in truth["forces"].items():
            expected = body["findings"].get(name, {})
            found = {o: n for o, n in by_force.get(f"police:{force}", {}).get(
                "parts", {}).items() if n}
            compared += 1
            wrong += expected != found
    return {"cells_compared": compared, "cells_wrong": wrong}


def bench_scale(scale: float, seed: int, base_url: str, workdir: Path, keep: bool
                ) -> dict[str, Any]:
    tag = f"{scale:g}".replace(".", "_")
    name = f"vjnat_{tag}"
    feed = workdir / f"national-{tag}.jsonl"
    metrics_file = workdir / f"metrics-{tag}.json"
    log(f"scale {scale:g}: generating")
    steps: dict[str, Any] = {}
    steps["generate"] = run_step(["generate", "--scale", str(scale), "--seed", str(seed),
                                  "--out", str(feed), "--quiet"], _env(None))
    truth = json.loads(Path(f"{feed}.truth.json").read_text(encoding="utf-8"))
    as_of = truth["truth_as_of"]
    log(f"  {truth['events']:,} events, {truth['cases']:,} cases in "
        f"{steps['generate']['seconds']} s; database {name}")
    _admin(base_url, f"create {name}")
    url = _with_database(base_url, name)
    env = _env(url)
    try:
        migrate = run_step(["migrate", "-v", "0"], env)
        log(f"  migrated in {migrate['seconds']} s; importing")
        steps["import"] = run_step(["import", str(feed), "--quiet"], env)
        log(f"  imported in {steps['import']['seconds']} s; sweeping")
        steps["sweep"] = run_step(["sweep", "--now", as_of], env)
        log(f"  swept in {steps['sweep']['seconds']} s; metrics")
        steps["metrics"] = run_step(["metrics", "--as-of", as_of, "--format", "json",
                                     "--dimensions", "force"], env, stdout_path=metrics_file)
        log(f"  metrics in {steps['metrics']['seconds']} s; checking against the truth")
        duties = _count(url, "duties_duty")
        check = truth_check(truth, json.loads(metrics_file.read_text(encoding="utf-8")))
    finally:
        if not keep:
            _admin(base_url, f"drop {name}")
    events = truth["events"]
    for step in steps.values():
        step["ms_per_1000_events"] = round(1_000_000 * step["seconds"] / events, 1)
        step["cpu_ms_per_1000_events"] = round(1_000_000 * step["cpu_s"] / events, 1)
        step.pop("stdout", None)
    total = sum(s["seconds"] for s in steps.values())
    return {
        "scale": scale, "seed": seed, "database": name if keep else None,
        "recorded_crimes": truth["recorded_crimes"], "cases": truth["cases"],
        "events": events, "duties": duties,
        "feed_mb": round(feed.stat().st_size / 1e6, 1), "migrate_s": migrate["seconds"],
        "steps": steps, "total_s": round(total, 1),
        "total_ms_per_1000_events": round(1_000_000 * total / events, 1),
        "generate_events_per_cpu_s": round(events / max(steps["generate"]["cpu_s"], 1e-9)),
        "truth_check": check,
    }


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {"cpus": os.cpu_count(), "python": platform.python_version()}
    try:
        with open("/proc/cpuinfo") as handle:
            info["cpu"] = next((line.split(":", 1)[1].strip() for line in handle
                                if line.startswith("model name")), "?")
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    return info


def print_table(report: dict[str, Any]) -> None:
    runs = report["runs"]
    head = "| | " + " | ".join(f"{r['scale']:g}" for r in runs) + " |"
    print(head)
    print("|---|" + "---:|" * len(runs))

    def row(label: str, values: list[str]) -> None:
        print(f"| {label} | " + " | ".join(values) + " |")

    row("recorded crimes", [f"{r['recorded_crimes']:,}" for r in runs])
    row("cases (with unrecorded and cancelled)", [f"{r['cases']:,}" for r in runs])
    row("events", [f"{r['events']:,}" for r in runs])
    row("duties stored", [f"{r['duties']:,}" for r in runs])
    row("feed (MB)", [f"{r['feed_mb']:,}" for r in runs])
    for step in STEPS:
        row(f"{step}: wall s (CPU s)", [f"{r['steps'][step]['seconds']:,} "
                                        f"({r['steps'][step]['cpu_s']:,})" for r in runs])
        row(f"{step}: ms per 1,000 events", [f"{r['steps'][step]['ms_per_1000_events']:,}"
                                             for r in runs])
        row(f"{step}: peak RSS (MB)", [f"{r['steps'][step]['peak_rss_mb']:,}" for r in runs])
    row("**total wall s**", [f"**{r['total_s']:,}**" for r in runs])
    row("**total ms per 1,000 events**", [f"**{r['total_ms_per_1000_events']:,}**"
                                          for r in runs])
    row("generate: events per CPU second", [f"{r['generate_events_per_cpu_s']:,}"
                                            for r in runs])
    row("truth recovered (cells wrong / compared)",
        [f"{r['truth_check']['cells_wrong']} / {r['truth_check']['cells_compared']}"
         for r in runs])
    print()
    print(f"machine: {report['machine']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.01, 0.03, 0.1])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument("--workdir", help="where the feeds go (default: a temporary folder)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--save", help="also write the JSON figures to this file")
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    if not urlsplit(base_url).scheme.startswith(("postgres", "pgsql")):
        raise SystemExit("set DATABASE_URL to a PostgreSQL server, e.g. "
                         "postgres://postgres@127.0.0.1:55440/postgres")
    report: dict[str, Any] = {"machine": machine(), "runs": []}
    with tempfile.TemporaryDirectory(prefix="vjnat-") as tmp:
        workdir = Path(args.workdir) if args.workdir else Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for scale in args.scales:
            report["runs"].append(bench_scale(scale, args.seed, base_url, workdir, args.keep))
    report["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    if args.save:
        Path(args.save).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print_table(report)
    tenth = [r for r in report["runs"] if r["scale"] == 0.1]
    if tenth:
        verdict = "met" if tenth[0]["total_s"] <= TARGET_SECONDS_AT_TENTH else "NOT met"
        print(f"Target: the 10% year under 15 minutes: {verdict} ({tenth[0]['total_s']} s)")
    return 1 if any(r["truth_check"]["cells_wrong"] for r in report["runs"]) else 0


if __name__ == "__main__":
    sys.exit(main())
