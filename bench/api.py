"""API load benchmark: 50 concurrent clients against gunicorn on 127.0.0.1.

    /tmp/vjvenv/bin/python bench/api.py                      # 20,000 cases, 50 clients
    /tmp/vjvenv/bin/python bench/api.py --cases 2000 --requests 1000   # a quick run
    /tmp/vjvenv/bin/python bench/api.py --json               # the figures as JSON on stdout

Steps: start a throwaway PostgreSQL (scripts/postgres, port --pg-port), migrate, load a
synthetic feed (`synthetic.generator.write_feed`, then `victimjourney import --quiet`), create
an API key for the force with the most cases, start gunicorn on 127.0.0.1, then run each
scenario with --clients concurrent clients (after one client alone, for the service time):

  read         GET /api/v1/cases/{reference}: a random case of the force (victims, duties
               with explanations, events; one audit entry a read);
  post         POST /api/v1/events: one `contact.made` on one of the force's cases (each client
               has its own cases), so each request re-evaluates a whole case;
  read+post    half and half.

Each scenario runs "saturated" (every client sends its next request as soon as the last is
answered: the server's capacity, and the latency 50 waiting clients see), then "paced" (each
client sends at a fixed rate, in all --paced-shares of the saturated throughput: the latency of
a server that is busy but not overloaded). Each run stops at --requests requests or --seconds
seconds, whichever comes first. All traffic is on the loopback interface. Everything the
benchmark started is stopped at the end. Figures and how to read them: docs/API.md.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGET_P95_MS = 100.0


def log(message: str) -> None:
    print(f"[bench-api {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(cmd: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, text=True, **kwargs)


# --- the server side -----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_start(base: Path, port: int) -> None:
    run([str(ROOT / "scripts" / "postgres"), "start", str(base), str(port)], env=dict(os.environ))


def postgres_stop(base: Path) -> None:
    subprocess.run([str(ROOT / "scripts" / "postgres"), "stop", str(base)], cwd=ROOT,
                   check=False)


def create_database(port: int, name: str) -> None:
    import psycopg

    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres",
                         autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


@dataclass
class Force:
    code: str
    cases: list[tuple[str, str]]  # (reference, id of its crime.reported event)


def load(feed: Path, cases: int, seed: int, env: dict[str, str]) -> Force:
    """Write the synthetic feed, import it, and return the force with the most cases."""
    sys.path.insert(0, str(ROOT))
    from victimjourney.synthetic.generator import write_feed

    started = time.perf_counter()
    events = write_feed(str(feed), cases=cases, seed=seed)
    log(f"feed: {cases} cases, {events} events in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    run([str(BIN / "victimjourney"), "import", str(feed), "--quiet"], env=env,
        stdout=subprocess.DEVNULL)
    log(f"import: {time.perf_counter() - started:.1f} s")
    by_force: dict[str, list[tuple[str, str]]] = {}
    with feed.open(encoding="utf-8") as handle:
        for line in handle:
            event = json.loads(line)
            if event["type"] == "crime.reported":
                by_force.setdefault(event["provider"], []).append((event["case"], event["id"]))
    code, refs = max(by_force.items(), key=lambda item: len(item[1]))
    return Force(code, refs)


def gunicorn_start(port: int, workers: int, threads: int, env: dict[str, str],
                   logfile: Path) -> subprocess.Popen:
    cmd = [str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
           "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
           "--keep-alive", "30", "--log-level", "warning"]
    with logfile.open("w") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({proc.returncode}); see {logfile}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/openapi.json")
            if conn.getresponse().status == 200:
                conn.close()
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("gunicorn did not answer within 60 s")


def gunicorn_stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _children(parent: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                out.append(int(entry.name))
    return out


def cpu_seconds(parent: int) -> dict[int, float]:
    """CPU time (user + system) so far of each child process of PARENT: gunicorn's workers, or
    PostgreSQL's backends. The machine may be shared; CPU per request is what this server
    costs, whatever else runs."""
    ticks = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in _children(parent):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return out


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU between two samples, by the processes alive at the second (a process that ended
    in between is not counted: a small underestimate, never a negative)."""
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())


# --- the clients ----------------------------------------------------------------------------

@dataclass
class Result:
    scenario: str
    mode: str
    clients: int
    requests: int = 0
    seconds: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    per_kind: dict[str, dict[str, float]] = field(default_factory=dict)
    offered_per_s: float | None = None
    app_cpu_ms: float = 0.0  # gunicorn workers' CPU a request
    db_cpu_ms: float = 0.0  # PostgreSQL's CPU a request

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def percentiles(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return {"n": len(ordered), "p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99),
            "max_ms": ordered[-1] * 1000, "mean_ms": statistics.fmean(ordered) * 1000}


class Client(threading.Thread):
    """One client: its own keep-alive connection; stops at the shared budget or deadline."""

    def __init__(self, number: int, of: int, bench: Bench, kinds: list[str],
                 interval: float | None):
        super().__init__(daemon=True)
        self.number, self.bench, self.kinds, self.interval = number, bench, kinds, interval
        self.rng = random.Random(number)
        self.samples: list[tuple[str, float, int]] = []
        self.own_cases = bench.force.cases[number::of]
        self.sent = 0

    def _request(self, conn: http.client.HTTPConnection, kind: str) -> int:
        headers = {"Authorization": f"Bearer {self.bench.token}"}
        if kind == "read":
            ref, _ = self.rng.choice(self.bench.force.cases)
            conn.request("GET", "/api/v1/cases/" + urllib.parse.quote(ref, safe="/"),
                         headers=headers)
        else:
            ref, crime = self.own_cases[self.sent % len(self.own_cases)]
            self.sent += 1
            body = json.dumps({
                "id": f"bench-{self.bench.run_id}-{self.bench.round}-{self.number}-{self.sent}",
                "type": "contact.made", "case": ref, "provider": self.bench.force.code,
                "occurred_at": "2024-12-31T12:00:00+00:00", "victim": "V1",
                "data": {"channel": "letter", "answers": crime,
                         "summary": "benchmark letter"}})
            conn.request("POST", "/api/v1/events", body=body,
                         headers={**headers, "Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        return response.status

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.bench.http_port, timeout=60)
        next_at = time.perf_counter() + (self.rng.random() * self.interval if self.interval
                                         else 0)
        i = 0
        while self.bench.take():
            if self.interval:
                pause = next_at - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                next_at += self.interval
            kind = self.kinds[i % len(self.kinds)]
            i += 1
            started = time.perf_counter()
            try:
                status = self._request(conn, kind)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.bench.http_port,
                                                  timeout=60)
                status = 0
            self.samples.append((kind, time.perf_counter() - started, status))
        conn.close()


class Bench:
    def __init__(self, *, force: Force, token: str, http_port: int, clients: int,
                 app_pid: int, db_pid: int):
        self.force, self.token, self.http_port, self.clients = force, token, http_port, clients
        self.app_pid, self.db_pid = app_pid, db_pid
        self.run_id = secrets.token_hex(3)
        self.round = 0  # a new round of event ids for each scenario
        self._lock = threading.Lock()
        self._left = 0
        self._deadline = 0.0

    def take(self) -> bool:
        with self._lock:
            if self._left <= 0 or time.perf_counter() > self._deadline:
                return False
            self._left -= 1
            return True

    def scenario(self, name: str, kinds: list[str], *, requests: int, seconds: float,
                 rate: float | None = None, clients: int | None = None) -> Result:
        self._left, self._deadline = requests, time.perf_counter() + seconds
        self.round += 1
        clients = clients or self.clients
        interval = clients / rate if rate else None
        threads = [Client(n, clients, self, kinds if n % 2 == 0 else kinds[::-1], interval)
                   for n in range(clients)]
        app_cpu, db_cpu = cpu_seconds(self.app_pid), cpu_seconds(self.db_pid)
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 120)
        elapsed = time.perf_counter() - started
        app_cpu = cpu_used(app_cpu, cpu_seconds(self.app_pid))
        db_cpu = cpu_used(db_cpu, cpu_seconds(self.db_pid))
        samples = [s for t in threads for s in t.samples]
        statuses = Counter(str(status) for _, _, status in samples)
        mode = "paced" if rate else "saturated" if clients > 1 else "1 client"
        result = Result(scenario=name, mode=mode, clients=clients, requests=len(samples),
                        seconds=elapsed, statuses=dict(statuses), offered_per_s=rate,
                        errors=sum(n for s, n in statuses.items() if not s.startswith("2")),
                        app_cpu_ms=app_cpu * 1000 / max(1, len(samples)),
                        db_cpu_ms=db_cpu * 1000 / max(1, len(samples)))
        for kind in sorted(set(kinds)):
            latencies = [lat for k, lat, _ in samples if k == kind]
            if latencies:
                result.per_kind[kind] = percentiles(latencies)
        result.per_kind["all"] = percentiles([lat for _, lat, _ in samples])
        return result


# --- report ---------------------------------------------------------------------------------

def table(results: list[Result]) -> str:
    head = (f"{'scenario':<10} {'mode':<10} {'requests':>8} {'req/s':>7} {'kind':<5} "
            f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} {'errors':>6} "
            f"{'CPU ms/req app+db':>17}")
    lines = [head, "-" * len(head)]
    for r in results:
        mode = r.mode if r.offered_per_s is None else f"paced {r.offered_per_s:.0f}/s"
        for kind, p in r.per_kind.items():
            if kind == "all" and len(r.per_kind) == 2:
                continue
            lines.append(f"{r.scenario:<10} {mode:<10} {int(p['n']):>8} "
                         f"{p['n'] / r.seconds:>7.1f} {kind:<5} {p['p50_ms']:>7.1f} "
                         f"{p['p95_ms']:>7.1f} {p['p99_ms']:>7.1f} {p['max_ms']:>7.0f} "
                         f"{r.errors if kind == 'all' or len(r.per_kind) == 2 else '':>6} "
                         + (f"{r.app_cpu_ms:>8.1f} + {r.db_cpu_ms:<6.1f}"
                            if kind == "all" or len(r.per_kind) == 2 else ""))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=4000,
                        help="requests a run at most (default 4000)")
    parser.add_argument("--seconds", type=float, default=45,
                        help="seconds a run at most (default 45)")
    parser.add_argument("--paced-shares", type=float, nargs="+", default=[0.25, 0.5],
                        help="paced runs offer these shares of the saturated throughput "
                             "(default 0.25 0.5)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads a gunicorn worker")
    parser.add_argument("--pg-port", type=int, default=55495)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="vjbench-api-"))
    pg_base = Path(tempfile.gettempdir()) / f"vjbench-api-pg-{args.pg_port}"
    proc = None
    try:
        log(f"PostgreSQL on 127.0.0.1:{args.pg_port}")
        postgres_start(pg_base, args.pg_port)
        create_database(args.pg_port, "vjbench_api")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings",
               "DATABASE_URL": f"postgres://postgres@127.0.0.1:{args.pg_port}/vjbench_api",
               "DJANGO_SECRET_KEY": secrets.token_urlsafe(40), "DJANGO_DEBUG": "false",
               "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "ERROR",
               # Plain HTTP on the loopback interface (in production a proxy terminates TLS).
               "DJANGO_HTTPS": "false",
               # Keys for the fields encrypted at rest: random, for this run's database only.
               "VJ_FIELD_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
               "VJ_BLIND_INDEX_KEY": secrets.token_hex(32)}
        run([str(BIN / "victimjourney"), "migrate", "--noinput"], env=env,
            stdout=subprocess.DEVNULL)
        force = load(work / "feed.jsonl", args.cases, args.seed, env)
        log(f"{force.code}: {len(force.cases)} cases")
        token = run([str(BIN / "victimjourney"), "apikey_create", force.code, "--name",
                     "benchmark"], env=env, capture_output=True).stdout.strip()
        http_port = free_port()
        proc = gunicorn_start(http_port, args.workers, args.threads, env, work / "gunicorn.log")
        log(f"gunicorn on 127.0.0.1:{http_port}: {args.workers} workers x {args.threads} "
            "threads (gthread)")
        postmaster = int((pg_base / "data" / "postmaster.pid").read_text().split()[0])
        bench = Bench(force=force, token=token, http_port=http_port, clients=args.clients,
                      app_pid=proc.pid, db_pid=postmaster)
        bench.scenario("warm-up", ["read", "post"], requests=200, seconds=30)
        results = []
        for name, kinds in (("read", ["read"]), ("post", ["post"])):
            alone = bench.scenario(name, kinds, requests=200, seconds=args.seconds, clients=1)
            log(f"{name}, one client at a time: p50 {alone.per_kind['all']['p50_ms']:.0f} ms")
            results.append(alone)
        for name, kinds in (("read", ["read"]), ("post", ["post"]),
                            ("read+post", ["read", "post"])):
            saturated = bench.scenario(name, kinds, requests=args.requests,
                                       seconds=args.seconds)
            log(f"{name} saturated: {saturated.per_second:.0f} req/s, p95 "
                f"{saturated.per_kind['all']['p95_ms']:.0f} ms")
            results.append(saturated)
            for share in args.paced_shares:
                rate = saturated.per_second * share
                paced = bench.scenario(name, kinds, requests=max(200, int(args.requests / 2)),
                                       seconds=args.seconds, rate=rate)
                log(f"{name} paced at {rate:.0f}/s: p95 "
                    f"{paced.per_kind['all']['p95_ms']:.0f} ms")
                results.append(paced)
    finally:
        if proc is not None:
            gunicorn_stop(proc)
        postgres_stop(pg_base)  # also removes a server directory left by a failed start
        shutil.rmtree(work, ignore_errors=True)

    meta = {"cases": args.cases, "force": force.code, "force_cases": len(force.cases),
            "clients": args.clients, "gunicorn": f"{args.workers} workers x {args.threads} "
            "threads (gthread)", "cpus": os.cpu_count(),
            "load_average_before": load_before, "load_average_after": os.getloadavg()}
    if args.json:
        print(json.dumps({"meta": meta, "results": [
            {**asdict(r), "per_second": r.per_second} for r in results]}, indent=2))
    else:
        print(f"{args.cases} cases; key of {force.code} ({len(force.cases)} cases); "
              f"{args.clients} clients; gunicorn {meta['gunicorn']}; {os.cpu_count()} CPUs; "
              f"load average before {load_before[0]:.1f}, after {os.getloadavg()[0]:.1f} "
              "(other work on the machine competes for its cores)")
        print(table(results))
        for r in results:
            p95 = r.per_kind["all"]["p95_ms"]
            verdict = "met" if p95 < TARGET_P95_MS else "NOT met"
            mode = r.mode if r.offered_per_s is None else f"paced {r.offered_per_s:.0f}/s"
            print(f"{r.scenario} {mode}: p95 {p95:.0f} ms, target {TARGET_P95_MS:.0f} ms "
                  f"{verdict}; {r.errors} non-2xx of {r.requests}")
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
