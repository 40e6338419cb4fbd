"""Load benchmark of the workspace: the case page and "My duties" under concurrent clients.

    /tmp/vjvenv/bin/python bench/workspace.py                   # 100,000 cases, 50 clients
    /tmp/vjvenv/bin/python bench/workspace.py --cases 5000 --duration 10   # a quick run
    /tmp/vjvenv/bin/python bench/workspace.py --reuse-db postgres://postgres@127.0.0.1:55496/db
    /tmp/vjvenv/bin/python bench/workspace.py --json            # the figures as JSON on stdout

Steps:
  1. a throwaway PostgreSQL (scripts/postgres, port 55496) and a fresh database; `victimjourney
     migrate`; `synthetic.generator.write_feed(cases=N, seed=1)`; `victimjourney import --quiet`;
     VACUUM ANALYZE. With --reuse-db URL, an already loaded database is used instead (only the
     VACUUM ANALYZE is run).
  2. in this process (django.setup()): one investigating officer of the Metropolitan Police
     per client (`accounts.services.staff_create`), 1,000 random Met case references, the
     duties the Met's "My duties" page reads, and a single-threaded profile of both pages
     through Django's test client (every SQL statement timed and kept, see 4.).
  3. gunicorn (config.wsgi) on 127.0.0.1; every client signs in through the /sign-in/ form
     (its own session), then, for a fixed duration after a warm-up:
       /healthz   GET /healthz, no cookie (no session, no database): the HTTP floor;
       case page  GET /cases/<random Met reference>/ (one audit row per view);
       duties     GET /duties/ ("My duties" of the Met).
     Each at N clients and at 1 client. Every response must be 200 with the expected body.
  4. raw SQL baseline, psycopg directly (no Django, no HTTP): the very statements the pages
     ran in step 2 (session read, user, staff, case, organisations, events, duties, victims,
     categories, audit INSERT, session UPDATE), replayed in autocommit, one connection per
     client, each client with its own session row; at N connections and at 1.
The client is one asyncio loop (stdlib streams, HTTP/1.1, keep-alive when the server allows
it); the CPU used by the client, gunicorn, PostgreSQL and any other process on the machine is
reported per scenario, so a client-bound or a disturbed figure shows. Progress goes to
stderr; the table (or JSON) to stdout. Exit status 1 if a scenario had errors or a check
failed; missing the latency target is reported, not an error. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import math
import os
import platform
import random
import re
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_SCRIPT = ROOT / "scripts" / "postgres"
TARGET_P95_MS = 150.0
QUIET_CORES = 0.25  # CPU used by other processes above which a scenario's figures are flagged
ORGANISATION = "police:metropolitan"
ROLE = "investigating_officer"
USER_PREFIX = "bench-officer-"
PASSWORD = "bench-load-password-not-secret"  # throwaway benchmark users
DUTY_ROW = b'<tr class="govuk-table__row" data-entitlement='
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
AUDIT_INSERT = 'INSERT INTO "audit_auditentry"'
HASH_LITERAL = re.compile(r"'[0-9a-f]{64}'")
STATEMENT_TABLE = re.compile(r'\b(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', re.IGNORECASE)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# PostgreSQL: our own throwaway server, or the database --reuse-db names.
# --------------------------------------------------------------------------------------------

def _libpq_url(url: str) -> str:
    parts = urlsplit(url)
    scheme = "postgresql" if parts.scheme in ("postgres", "postgresql", "pgsql") else parts.scheme
    return urlunsplit((scheme, parts.netloc, parts.path, parts.query, parts.fragment))


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class PostgresServer:
    """scripts/postgres start/stop in $TMPDIR/vjload-pg-PORT (fsync off, as the tests run)."""

    def __init__(self, port: int, keep: bool) -> None:
        self.port, self.keep = port, keep
        self.base = Path(tempfile.gettempdir()) / f"vjload-pg-{port}"
        self.url = f"postgres://postgres@127.0.0.1:{port}/postgres"
        self.started = False

    def start(self) -> None:
        if _port_in_use(self.port):
            raise SystemExit(f"port {self.port} is in use: choose another with --port")
        log(f"starting PostgreSQL in {self.base} on port {self.port}")
        subprocess.run([str(POSTGRES_SCRIPT), "start", str(self.base), str(self.port)],
                       check=True)
        self.started = True

    def stop(self) -> None:
        if not self.started:
            return
        if self.keep:
            log(f"PostgreSQL kept: {self.url} (stop: scripts/postgres stop {self.base})")
            return
        log("stopping PostgreSQL")
        subprocess.run([str(POSTGRES_SCRIPT), "stop", str(self.base)], check=False)
        self.started = False

    def createdb(self, name: str) -> str:
        import psycopg
        from psycopg import sql

        with psycopg.connect(_libpq_url(self.url), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return _with_database(self.url, name)


def child_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings",
               DJANGO_DEBUG="false", DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
               # Plain HTTP on the loopback interface (in production a proxy terminates TLS).
               DJANGO_HTTPS="false")
    env.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-not-for-production")
    for name, value in bench_keys().items():
        env.setdefault(name, value)
    return env


KEYS_FILE = Path(tempfile.gettempdir()) / "vjbench-workspace-keys.json"


def bench_keys() -> dict[str, str]:
    """Keys for the fields encrypted at rest (core/crypto.py): random, made on the first run
    and kept in KEYS_FILE (mode 600, outside the repository) so that a database kept with
    --keep can be measured again with --reuse-db. VJ_FIELD_KEYS / VJ_BLIND_INDEX_KEY in the
    environment win."""
    import base64
    import secrets

    if not KEYS_FILE.exists():
        keys = {"VJ_FIELD_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
                "VJ_BLIND_INDEX_KEY": secrets.token_hex(32)}
        fd = os.open(KEYS_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(keys, handle)
    return {k: str(v) for k, v in json.loads(KEYS_FILE.read_text()).items()}


def console_script() -> list[str]:
    script = Path(sys.executable).parent / "victimjourney"
    return [str(script)] if script.exists() else [sys.executable, "-m", "victimjourney"]


def load_database(server: PostgresServer, cases: int, seed: int) -> tuple[str, dict[str, Any]]:
    """Fresh database, migrate, generate the feed, import it: the timings of each step."""
    from victimjourney.synthetic.generator import write_feed

    steps: dict[str, Any] = {}
    url = server.createdb(f"vjload_{cases}")
    env = child_env(url)
    log("migrate")
    started = time.perf_counter()
    subprocess.run([*console_script(), "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)
    steps["migrate_s"] = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="vjload-feed-") as tmp:
        feed = Path(tmp) / "feed.jsonl"
        log(f"generating {cases:,} cases (seed {seed})")
        started = time.perf_counter()
        steps["events"] = write_feed(str(feed), cases=cases, seed=seed)
        steps["generate_s"] = time.perf_counter() - started
        log(f"importing {steps['events']:,} events (victimjourney import --quiet)")
        started = time.perf_counter()
        proc = subprocess.run([*console_script(), "import", str(feed), "--quiet"], env=env,
                              cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
        steps["import_s"] = time.perf_counter() - started
        steps["import_output"] = proc.stdout.strip()
        log(f"  {steps['import_output']} ({steps['import_s']:.0f} s)")
    return url, steps


def vacuum_analyze(url: str) -> float:
    import psycopg

    log("VACUUM ANALYZE")
    started = time.perf_counter()
    with psycopg.connect(_libpq_url(url), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    return time.perf_counter() - started


# --------------------------------------------------------------------------------------------
# Django, in this process: users, references, the duties count, the single-threaded profile.
# --------------------------------------------------------------------------------------------

def django_setup(url: str) -> None:
    os.environ.update(child_env(url))
    import django

    django.setup()


def ensure_users(count: int) -> list[str]:
    from django.contrib.auth import get_user_model

    from victimjourney.accounts.services import staff_create

    user_model = get_user_model()
    names = [f"{USER_PREFIX}{i:03d}" for i in range(1, count + 1)]
    existing = {u.username: u for u in user_model.objects.filter(username__in=names)}
    created = 0
    for name in names:
        user = existing.get(name)
        if user is None:
            staff_create(username=name, password=PASSWORD, organisation=ORGANISATION, role=ROLE)
            created += 1
        elif not user.check_password(PASSWORD):
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
    log(f"{count} staff users ({created} created), {ORGANISATION}, {ROLE}")
    return names


def pick_references(count: int, seed: int) -> tuple[list[str], int]:
    from victimjourney.cases.models import Case

    refs = sorted(Case.objects.filter(force_id=ORGANISATION).values_list("reference", flat=True))
    if not refs:
        raise SystemExit(f"no case of {ORGANISATION} in the database")
    rng = random.Random(seed)
    return rng.sample(refs, min(count, len(refs))), len(refs)


def data_counts() -> dict[str, Any]:
    from django.db.models import Count

    from victimjourney.cases.models import Case, CaseOrganisation
    from victimjourney.core import clock
    from victimjourney.duties.models import Duty
    from victimjourney.duties.selectors import duties_to_do
    from victimjourney.journey.models import Event
    from victimjourney.organisations.models import Organisation

    work = duties_to_do(organisation=ORGANISATION, now=clock.now())
    groups = {"overdue": len(work.overdue), "due_today": len(work.due_today),
              "due_this_week": len(work.due_this_week), "later": len(work.later),
              "undated": len(work.undated)}
    by_status = dict(Duty.objects.filter(provider_id=ORGANISATION)
                     .values_list("status").annotate(n=Count("id")))
    return {
        "cases": Case.objects.count(),
        "events": Event.objects.count(),
        "duties": Duty.objects.count(),
        "organisations_active": Organisation.objects.filter(active=True).count(),
        "met_cases_visible": CaseOrganisation.objects.filter(
            organisation_id=ORGANISATION).count(),
        "met_duties_by_status": dict(sorted(by_status.items())),
        "duties_page_groups": groups,
        "duties_page_rows": sum(groups.values()),
    }


def _label(sql: str) -> str:
    verb = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else "?"
    match = STATEMENT_TABLE.search(sql)
    return f"{verb} {match.group(1) if match else '?'}"


class _Recorder:
    """connection.execute_wrapper: times every statement and keeps its literal SQL."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, float]] = []

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool,
                 context: dict[str, Any]) -> Any:
        from django.db import connection

        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            literal = connection.ops.last_executed_query(context["cursor"], sql, params)
            self.statements.append((literal, spent))


def _pct(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of sorted VALUES."""
    if not values:
        return None
    return values[max(0, math.ceil(p / 100 * len(values)) - 1)]


def _latency_summary(seconds: list[float]) -> dict[str, float | None]:
    values = sorted(seconds)

    def ms(v: float | None) -> float | None:
        return None if v is None else round(v * 1000, 2)

    return {"p50_ms": ms(_pct(values, 50)), "p95_ms": ms(_pct(values, 95)),
            "p99_ms": ms(_pct(values, 99)), "max_ms": ms(values[-1] if values else None),
            "mean_ms": ms(sum(values) / len(values) if values else None)}


def profile_pages(username: str, refs: list[str], duties_repeats: int) -> dict[str, Any]:
    """Each page through the test client, one at a time: wall time, SQL time, statements.

    Returns the figures and, per page request, the statements it ran (literal SQL), which the
    raw SQL baseline replays; `session_key` is the test client's, to be swapped per client."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    user = get_user_model().objects.get(username=username)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session_key = client.cookies["sessionid"].value

    def run(path: str, check: bytes) -> tuple[float, list[tuple[str, float]], int, str | None]:
        """Wall time, statements, response size, and None or what went wrong."""
        recorder = _Recorder()
        error = None
        with connection.execute_wrapper(recorder):
            started = time.perf_counter()
            try:
                response = client.get(path)
            except Exception as exc:  # a broken page: count it, keep going (HTTP shows it too)
                error, size = f"{type(exc).__name__}: {exc}", 0
            else:
                size = len(response.content)
                if response.status_code != 200 or check not in response.content:
                    error = f"status {response.status_code}"
            wall = time.perf_counter() - started
        return wall, recorder.statements, size, error

    out: dict[str, Any] = {"session_key": session_key}
    logging.getLogger("django.request").disabled = True  # failures are counted, not printed
    for name, paths, checks in (
            ("case", [f"/cases/{quote(r, safe='/')}/" for r in refs], [r.encode() for r in refs]),
            ("duties", ["/duties/"] * (duties_repeats + 1), [b"My duties"] * (duties_repeats + 1))):
        done: dict[bool, list[tuple[float, list[tuple[str, float]], int]]] = {True: [], False: []}
        failures: dict[str, int] = {}
        for i, (path, check) in enumerate(zip(paths, checks, strict=True)):
            wall, statements, size, error = run(path, check)
            if error is not None:
                if name == "case":
                    error = re.sub(r"-\d+'", "-NN'", error.replace(refs[i], "<ref>"))
                failures[error[:300]] = failures.get(error[:300], 0) + 1
            if i > 0:  # the first request warms the templates and the code tables
                done[error is None].append((wall, statements, size))
        # Figures from the pages that rendered; if none did, from the failed requests (flagged):
        # their statements are still what the view ran before it failed.
        runs = done[True] or done[False]
        n = max(len(runs), 1)
        labels: dict[str, list[float]] = {}
        for _, statements, _ in runs:
            for text, spent in statements:
                entry = labels.setdefault(_label(text), [0.0, 0])
                entry[0] += spent
                entry[1] += 1
        walls = [r[0] for r in runs]
        sql = sum(spent for r in runs for _, spent in r[1])
        out[name] = {
            "requests": len(done[True]),
            "failures": sum(failures.values()),
            "measured_on": "rendered pages" if done[True] else "failed requests",
            "failure_samples": dict(sorted(failures.items(), key=lambda kv: -kv[1])[:3]),
            "wall": _latency_summary(walls),
            "sql_mean_ms": round(sql / n * 1000, 2),
            "python_mean_ms": round((sum(walls) - sql) / n * 1000, 2),
            "statements_per_page": round(sum(len(r[1]) for r in runs) / n, 1),
            "bytes_mean": round(sum(r[2] for r in runs) / n),
            "by_statement": {k: {"per_page": round(v[1] / n, 2),
                                 "mean_ms": round(v[0] / v[1] * 1000, 3)}
                             for k, v in labels.items()},
            "pages": [[text for text, _ in r[1]] for r in runs],
        }
        log(f"profile {name}: {len(done[True])} pages rendered, {sum(failures.values())} "
            f"failed; measured on {out[name]['measured_on']}: wall p50 "
            f"{out[name]['wall']['p50_ms']} ms, SQL {out[name]['sql_mean_ms']} ms in "
            f"{out[name]['statements_per_page']} statements, {out[name]['bytes_mean']:,} bytes")
        for failure, count in failures.items():
            log(f"  FAILED {count} x {failure}")
    return out


def replay_sessions(usernames: list[str]) -> list[str]:
    """A database session of its own per raw-SQL client (SessionStore, no HTTP, no hashing)."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    keys = []
    users = {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}
    for name in usernames:
        user = users[name]
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        keys.append(store.session_key)
    return keys


# --------------------------------------------------------------------------------------------
# gunicorn
# --------------------------------------------------------------------------------------------

class Gunicorn:
    def __init__(self, url: str, port: int, workers: int, threads: int, logdir: Path) -> None:
        if _port_in_use(port):
            raise SystemExit(f"port {port} is in use: choose another with --http-port")
        self.port, self.workers, self.threads = port, workers, threads
        self.worker_class = "gthread" if threads > 1 else "sync"
        self.logfile = logdir / "gunicorn.log"
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}",
                   "-w", str(workers), "--threads", str(threads), "-k", self.worker_class,
                   "--backlog", "2048", "--timeout", "120", "--log-level", "warning",
                   "--error-logfile", str(self.logfile)]
        log(f"gunicorn: {workers} workers x {threads} threads ({self.worker_class}) on :{port}")
        self.proc = subprocess.Popen(command, env=child_env(url), cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait_ready(self, timeout: float = 60) -> None:
        import http.client

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.proc.returncode}):\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer /healthz in {timeout:.0f} s")

    def log_tail(self) -> str:
        try:
            return "".join(self.logfile.read_text(errors="replace").splitlines(True)[-20:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        log("gunicorn stopped")


# --------------------------------------------------------------------------------------------
# CPU accounting: this process, gunicorn's process tree, PostgreSQL's process tree, and the
# whole machine (/proc/stat); "other" is what the rest of the machine used meanwhile.
# --------------------------------------------------------------------------------------------

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _children(parent: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat_fields(int(entry))
            if fields is not None and int(fields[1]) == parent:
                out.append(int(entry))
    return out


def _tree_cpu(root: int | None) -> float:
    """CPU seconds of ROOT, of its live children, and of the children it has reaped
    (cutime/cstime: PostgreSQL's parallel workers and backends that exited, for instance).
    Differences of this figure are exact for a process tree one level deep."""
    if root is None:
        return 0.0
    fields = _stat_fields(root)
    if fields is None:
        return 0.0
    total = sum(int(fields[i]) for i in (11, 12, 13, 14))
    for child in _children(root):
        child_fields = _stat_fields(child)
        if child_fields is not None:
            total += int(child_fields[11]) + int(child_fields[12])
    return total / CLK_TCK


def _machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, summed over the CPUs."""
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    total = sum(values[:8])
    return (total - idle) / CLK_TCK, total / CLK_TCK


def postmaster_pid(url: str) -> int | None:
    """The local PostgreSQL server's main process (parent of our backend), or None."""
    import psycopg

    with psycopg.connect(_libpq_url(url), autocommit=True) as conn:
        row = conn.execute("SELECT pg_backend_pid()").fetchone()
        fields = _stat_fields(int(row[0])) if row else None  # while the backend lives
    return int(fields[1]) if fields else None


class CpuMeter:
    def __init__(self, gunicorn_pid: int | None, postgres_pid: int | None) -> None:
        self.gunicorn_pid, self.postgres_pid = gunicorn_pid, postgres_pid

    def snapshot(self) -> dict[str, float]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        busy, total = _machine_cpu()
        return {"client": usage.ru_utime + usage.ru_stime,
                "gunicorn": _tree_cpu(self.gunicorn_pid),
                "postgres": _tree_cpu(self.postgres_pid),
                "busy": busy, "total": total, "at": time.perf_counter()}

    @staticmethod
    def delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
        """Cores used by each, over the interval (2.0 = both CPUs of a 2-CPU machine)."""
        wall = max(after["at"] - before["at"], 1e-9)
        used = {k: max(after[k] - before[k], 0.0) for k in ("client", "gunicorn", "postgres")}
        busy = after["busy"] - before["busy"]
        idle = max((after["total"] - before["total"]) - busy, 0.0)
        out = {f"{k}_cores": round(v / wall, 2) for k, v in used.items()}
        out["other_cores"] = round(max(busy - sum(used.values()), 0.0) / wall, 2)
        out["idle_cores"] = round(idle / wall, 2)
        return out

    def background(self, seconds: float) -> dict[str, float]:
        """What the machine uses while the benchmark does nothing."""
        before = self.snapshot()
        time.sleep(seconds)
        return self.delta(before, self.snapshot())


# --------------------------------------------------------------------------------------------
# The client: HTTP/1.1 over asyncio streams (keep-alive when the server keeps the connection).
# --------------------------------------------------------------------------------------------

class HttpError(Exception):
    pass


class HttpClient:
    def __init__(self, port: int, timeout: float) -> None:
        self.host, self.port, self.timeout = "127.0.0.1", port, timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.cookies: dict[str, str] = {}
        self.connects = 0

    async def close(self) -> None:
        writer, self.reader, self.writer = self.writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    async def request(self, method: str, path: str, *, form: dict[str, str] | None = None,
                      cookies: bool = True) -> tuple[int, dict[str, str], bytes]:
        try:
            return await asyncio.wait_for(self._request(method, path, form, cookies),
                                          self.timeout)
        except BaseException:
            await self.close()
            raise

    async def _request(self, method: str, path: str, form: dict[str, str] | None,
                       cookies: bool) -> tuple[int, dict[str, str], bytes]:
        body = urlencode(form).encode() if form is not None else b""
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                "User-Agent: vj-bench", "Accept: text/html"]
        if cookies and self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if form is not None:
            head += ["Content-Type: application/x-www-form-urlencoded",
                     f"Content-Length: {len(body)}"]
        data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body
        status_line = b""
        for _attempt in range(2):
            fresh = self.writer is None
            if fresh:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
                self.connects += 1
            assert self.reader is not None and self.writer is not None
            try:
                self.writer.write(data)
                await self.writer.drain()
                status_line = await self.reader.readline()
            except OSError:
                status_line = b""
            if status_line:
                break
            await self.close()
            if fresh:  # a new connection closed at once: a real error
                raise HttpError("connection closed before the status line")
            # else: a kept-alive connection the server had closed; reconnect once
        if not status_line:
            raise HttpError("connection closed before the status line")
        reader = self.reader
        assert reader is not None
        parts = status_line.split(None, 2)
        version, status = parts[0], int(parts[1])
        headers: dict[str, str] = {}
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookie, _, _ = value.partition(";")
                key, _, val = cookie.partition("=")
                self.cookies[key.strip()] = val.strip()
            headers[name] = value
        if "content-length" in headers:
            content = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await reader.readline()).split(b";")[0], 16)
                if size == 0:
                    while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(await reader.readexactly(size))
                await reader.readexactly(2)
            content = b"".join(chunks)
        else:
            content = await reader.read()
            headers["connection"] = "close"
        if (headers.get("connection", "").lower() == "close" or version == b"HTTP/1.0"):
            await self.close()
        return status, headers, content


async def sign_in(client: HttpClient, username: str) -> None:
    status, _, body = await client.request("GET", "/sign-in/")
    match = CSRF_INPUT.search(body)
    if status != 200 or match is None or "csrftoken" not in client.cookies:
        raise HttpError(f"sign-in form: status {status}, no CSRF token")
    status, headers, _ = await client.request("POST", "/sign-in/", form={
        "csrfmiddlewaretoken": match.group(1).decode(), "username": username,
        "password": PASSWORD, "next": ""})
    if status != 302 or "sessionid" not in client.cookies:
        raise HttpError(f"sign-in of {username}: status {status}, "
                        f"location {headers.get('location')!r}")


# --------------------------------------------------------------------------------------------
# The load driver: N concurrent callers for a duration (bounded in count and time).
# --------------------------------------------------------------------------------------------

Call = Callable[[], Awaitable[str | None]]  # returns None if good, else an error description


async def drive(calls: list[Call], duration: float, max_requests: int,
                cpu: CpuMeter | None = None, think: float = 0.0,
                seed: int = 1) -> dict[str, Any]:
    """Each call in a loop until DURATION is up. THINK > 0: after each answer the client
    waits a random time (exponential, mean THINK seconds) before its next request, as a
    person reading the page would (a closed system with think time); 0: back to back."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    started = time.perf_counter()
    deadline = started + duration
    issued = 0
    cpu_before = cpu.snapshot() if cpu else None

    async def worker(call: Call, index: int) -> None:
        nonlocal issued
        rng = random.Random(seed * 7919 + index)
        if think > 0:  # spread the first requests over one think time
            await asyncio.sleep(rng.uniform(0, think))
        while issued < max_requests and time.perf_counter() < deadline:
            issued += 1
            t0 = time.perf_counter()
            try:
                error = await call()
            except TimeoutError:
                error = "no complete answer within --timeout"
            except Exception as exc:  # resets, psycopg errors...: count them, go on
                error = f"{type(exc).__name__}: {exc}"[:120]
            latencies.append(time.perf_counter() - t0)
            if error is not None:
                errors[error] = errors.get(error, 0) + 1
            if think > 0:
                pause = min(rng.expovariate(1 / think), 10 * think)
                await asyncio.sleep(max(0.0, min(pause, deadline - time.perf_counter())))

    await asyncio.gather(*(worker(c, i) for i, c in enumerate(calls)))
    elapsed = time.perf_counter() - started
    cpu_after = cpu.snapshot() if cpu else None
    n_errors = sum(errors.values())
    out: dict[str, Any] = {
        "requests": len(latencies), "errors": n_errors, "seconds": round(elapsed, 2),
        "per_s": round(len(latencies) / elapsed, 1),
        **_latency_summary(latencies),
        "error_samples": dict(sorted(errors.items(), key=lambda kv: -kv[1])[:5]),
    }
    if cpu_before and cpu_after:
        out["cpu"] = CpuMeter.delta(cpu_before, cpu_after)
        # CPU per request hardly depends on what else the machine runs (latency does): from it,
        # the throughput two idle CPUs could sustain for this scenario.
        wall = cpu_after["at"] - cpu_before["at"]
        per = {k: out["cpu"][f"{k}_cores"] * wall / max(len(latencies), 1) * 1000
               for k in ("client", "gunicorn", "postgres")}
        out["cpu_ms_per_request"] = {k: round(v, 2) for k, v in per.items()}
        server = per["gunicorn"] + per["postgres"]
        out["capacity_per_s"] = (round((os.cpu_count() or 1) * 1000 / server, 1)
                                 if server > 0 else None)
    return out


async def run_scenario(name: str, kind: str, calls: list[Call], args: argparse.Namespace,
                       cpu: CpuMeter, single: bool = False,
                       before: Callable[[], Awaitable[None]] | None = None,
                       connects: Callable[[], int] | None = None,
                       think: float = 0.0) -> dict[str, Any]:
    duration = args.single_duration if single else args.duration
    if think > 0:
        duration = max(duration, args.think_duration)
    pacing = f", think time {think:g} s" if think > 0 else ""
    if not single and args.warmup > 0:
        log(f"{name}, {len(calls)} clients{pacing}: warm-up {args.warmup:g} s")
        await drive(calls, args.warmup, args.max_requests, think=think, seed=args.seed)
    if before:
        await before()
    log(f"{name}, {len(calls)} client{'s' if len(calls) > 1 else ''}{pacing}: {duration:g} s")
    opened = connects() if connects else 0
    result = await drive(calls, duration, args.max_requests, cpu, think=think, seed=args.seed)
    result.update(scenario=name, kind=kind, clients=len(calls), think_s=think)
    if connects:
        result["connections_opened"] = connects() - opened
    log(f"  {result['requests']:,} requests, {result['errors']} errors, "
        f"{result['per_s']:,} /s, p50 {result['p50_ms']} p95 {result['p95_ms']} "
        f"p99 {result['p99_ms']} ms")
    return result


def http_calls(clients: list[HttpClient], page: str, refs: list[str], expected_rows: int,
               seed: int) -> list[Call]:
    def make(client: HttpClient, index: int) -> Call:
        rng = random.Random(seed * 1000 + index)

        async def healthz() -> str | None:
            status, _, body = await client.request("GET", "/healthz", cookies=False)
            return None if status == 200 and body == b"ok" else f"status {status}"

        async def case() -> str | None:
            ref = rng.choice(refs)
            status, _, body = await client.request("GET", f"/cases/{quote(ref, safe='/')}/")
            if status != 200:
                return f"status {status}"
            return None if ref.encode() in body else "body without the reference"

        async def duties() -> str | None:
            status, _, body = await client.request("GET", "/duties/")
            if status != 200:
                return f"status {status}"
            rows = body.count(DUTY_ROW)
            return None if rows == expected_rows else f"{rows} duty rows, not {expected_rows}"

        return {"healthz": healthz, "case": case, "duties": duties}[page]

    return [make(c, i) for i, c in enumerate(clients)]


def sql_calls(conns: list[Any], pages: list[list[str]], test_key: str, keys: list[str],
              by_label: dict[str, list[float]], seed: int) -> list[Call]:
    """Replay a page's statements; the test client's session key becomes the client's own."""

    def make(conn: Any, key: str, index: int) -> Call:
        rng = random.Random(seed * 1000 + index)

        async def call() -> str | None:
            for text in rng.choice(pages):
                t0 = time.perf_counter()
                text = text.replace(test_key, key)
                if text.startswith(AUDIT_INSERT):
                    # The entry's hash is unique: each replayed entry gets new (random) ones.
                    text = HASH_LITERAL.sub(lambda _: f"'{secrets.token_hex(32)}'", text)
                cursor = await conn.execute(text)
                if cursor.description is not None:
                    await cursor.fetchall()
                entry = by_label.setdefault(_label(text), [0.0, 0])
                entry[0] += time.perf_counter() - t0
                entry[1] += 1
            return None

        return call

    return [make(c, k, i) for i, (c, k) in enumerate(zip(conns, keys, strict=True))]


def _label_means(by_label: dict[str, list[float]]) -> dict[str, float]:
    return {k: round(v[0] / v[1] * 1000, 3) for k, v in by_label.items() if v[1]}


def _audit_count(url: str) -> int:
    import psycopg

    with psycopg.connect(_libpq_url(url), autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM audit_auditentry "
                           "WHERE action = 'view_case'").fetchone()
    return int(row[0]) if row else 0


async def load_phase(url: str, args: argparse.Namespace, usernames: list[str],
                     refs: list[str], expected_rows: int, profile: dict[str, Any],
                     replay_keys: list[str], gunicorn: Gunicorn) -> dict[str, Any]:
    import psycopg

    cpu = CpuMeter(gunicorn.proc.pid, postmaster_pid(url))
    out: dict[str, Any] = {"scenarios": [], "checks": []}
    waited_until = time.monotonic() + args.quiet_wait
    while True:
        out["background_cpu"] = background = cpu.background(3.0)
        busy = background["other_cores"] + background["postgres_cores"]
        if busy <= QUIET_CORES or time.monotonic() >= waited_until:
            break
        log(f"the machine is busy ({busy:.2f} cores used by other processes): waiting "
            f"(up to {args.quiet_wait:g} s, --quiet-wait)")
        time.sleep(7.0)
    log(f"machine before the load (3 s, nothing of ours running): {background}")
    http = [HttpClient(args.http_port, args.timeout) for _ in usernames]
    log(f"signing in {len(http)} clients through /sign-in/")
    started = time.perf_counter()
    # A few at a time (each sign-in hashes a password on the server), with a longer timeout.
    gate = asyncio.Semaphore(4)

    async def gated_sign_in(client: HttpClient, username: str) -> None:
        async with gate:
            client.timeout = max(args.timeout, 120.0)
            await sign_in(client, username)
            client.timeout = args.timeout

    await asyncio.gather(*(gated_sign_in(c, u) for c, u in zip(http, usernames, strict=True)))
    out["sign_in_s"] = round(time.perf_counter() - started, 1)
    log(f"  signed in ({out['sign_in_s']} s)")
    audit_before = 0

    async def count_audit() -> None:
        nonlocal audit_before
        audit_before = await asyncio.to_thread(_audit_count, url)

    def audit_check(result: dict[str, Any]) -> None:
        written = _audit_count(url) - audit_before
        good = result["requests"] - result["errors"]
        result["audit_rows_written"] = written
        out["checks"].append({
            "check": f"one audit row per case page request ({result['clients']} clients)",
            "ok": good <= written <= result["requests"],
            "detail": f"{written} rows; {result['requests']} requests, {good} answered 200"})

    plan = [(name, page) for name, page in
            (("/healthz", "healthz"), ("case page", "case"), ("duties", "duties"))
            if page in args.only]
    runs = [(False, 0.0), (True, 0.0)]
    if args.think > 0:
        runs.insert(1, (False, args.think))
    for single, think in runs:
        if single and args.single_duration <= 0:
            continue
        for name, page in plan:
            if think > 0 and page == "healthz":
                continue
            clients = http[:1] if single else http
            calls = http_calls(clients, page, refs, expected_rows, args.seed)
            result = await run_scenario(
                name, "http", calls, args, cpu, single,
                before=count_audit if page == "case" else None,
                connects=lambda clients=clients: sum(c.connects for c in clients),
                think=think)
            if page == "case":
                audit_check(result)
            out["scenarios"].append(result)
    for client in http:
        await client.close()

    log(f"raw SQL baseline: {len(replay_keys)} psycopg connections")
    conns = [await psycopg.AsyncConnection.connect(_libpq_url(url), autocommit=True)
             for _ in replay_keys]
    try:
        for single in (False, True):
            if single and args.single_duration <= 0:
                continue
            for name, page in (("case page SQL", "case"), ("duties SQL", "duties")):
                if "sql" not in args.only or page not in args.only:
                    continue
                if not profile[page]["pages"]:
                    log(f"{name}: skipped, no {page} page profiled")
                    continue
                by_label: dict[str, list[float]] = {}
                use = conns[:1] if single else conns
                keys = replay_keys[:1] if single else replay_keys
                calls = sql_calls(use, profile[page]["pages"], profile["session_key"], keys,
                                  by_label, args.seed)
                async def reset(by_label: dict[str, list[float]] = by_label) -> None:
                    by_label.clear()  # the per-statement figures count the measured run only

                result = await run_scenario(name, "sql", calls, args, cpu, single, before=reset)
                result["by_statement_mean_ms"] = _label_means(by_label)
                out["scenarios"].append(result)
    finally:
        for conn in conns:
            await conn.close()
    return out


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------

def machine() -> dict[str, Any]:
    info: dict[str, Any] = {"cpus": os.cpu_count(), "python": platform.python_version()}
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    info["memory_gib"] = round(int(line.split()[1]) / (1024 * 1024), 1)
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import django
    import psycopg

    info["django"] = django.get_version()
    info["psycopg"] = psycopg.__version__
    from importlib.metadata import PackageNotFoundError, version

    with contextlib.suppress(PackageNotFoundError):
        info["gunicorn"] = version("gunicorn")
    return info


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def verdict(report: dict[str, Any]) -> dict[str, Any]:
    clients = report["settings"]["clients"]
    out: dict[str, Any] = {"target_p95_ms": TARGET_P95_MS}
    for s in report["scenarios"]:
        if s["kind"] == "http" and s["clients"] == clients and s["scenario"] != "/healthz":
            key = "case" if s["scenario"] == "case page" else "duties"
            if s.get("think_s"):
                key += "_paced"
            out[f"{key}_p95_ms"] = s["p95_ms"]
            out[f"{key}_per_s"] = s["per_s"]
            out[f"{key}_met"] = s["p95_ms"] is not None and s["p95_ms"] < TARGET_P95_MS
    return out


def print_report(report: dict[str, Any]) -> None:
    data, settings = report["data"], report["settings"]
    m = report["machine"]
    print(f"\nWorkspace load benchmark: {data['cases']:,} cases, {data['events']:,} events, "
          f"{data['duties']:,} duties; {settings['clients']} clients, "
          f"{settings['duration']:g} s per scenario after {settings['warmup']:g} s warm-up "
          f"(1-client runs: {settings['single_duration']:g} s)")
    print(f"machine: {m.get('cpus')} CPUs ({m.get('cpu', '?')}), Python {m['python']}, "
          f"Django {m['django']}, PostgreSQL {report['postgres']}, gunicorn "
          f"{m.get('gunicorn', '?')} {settings['workers']} workers x {settings['threads']} "
          f"threads ({settings['worker_class']})")
    groups = data["duties_page_groups"]
    print(f"{ORGANISATION}: {data['met_cases_visible']:,} cases visible, duties "
          f"{data['met_duties_by_status']}; 'My duties' reads {data['duties_page_rows']} "
          f"duties ({', '.join(f'{k} {v}' for k, v in groups.items())})\n")
    header = (f"{'scenario':<15}{'via':>6}{'clients':>8}{'requests':>10}{'errors':>8}"
              f"{'req/s':>9}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}   "
              f"CPU cores: client/gunicorn/postgres/other/idle")
    print(header)
    print("-" * len(header))
    for s in report["scenarios"]:
        cpu = s.get("cpu", {})
        cpu_text = "/".join(_fmt(cpu.get(f"{k}_cores"), 2)
                            for k in ("client", "gunicorn", "postgres", "other", "idle"))
        via = "paced" if s.get("think_s") else s["kind"]
        print(f"{s['scenario']:<15}{via:>6}{s['clients']:>8}{s['requests']:>10,}"
              f"{s['errors']:>8,}{_fmt(s['per_s']):>9}{_fmt(s['p50_ms']):>9}"
              f"{_fmt(s['p95_ms']):>9}{_fmt(s['p99_ms']):>9}{_fmt(s['max_ms']):>9}   {cpu_text}")
    print("(latencies in ms; 'sql' = the same statements replayed with psycopg, no Django; "
          "'paced' = each client waits a think time between an answer and its next request)")
    ncpu = report["machine"].get("cpus") or 1
    print(f"\nCPU per request (ms) and the throughput {ncpu} idle CPUs would sustain "
          f"(server CPU only):")
    print(f"{'scenario':<15}{'via':>5}{'clients':>8}{'client':>9}{'gunicorn':>10}"
          f"{'postgres':>10}{'capacity/s':>12}")
    for s in report["scenarios"]:
        per = s.get("cpu_ms_per_request", {})
        print(f"{s['scenario']:<15}{s['kind']:>5}{s['clients']:>8}"
              f"{_fmt(per.get('client'), 2):>9}{_fmt(per.get('gunicorn'), 2):>10}"
              f"{_fmt(per.get('postgres'), 2):>10}{_fmt(s.get('capacity_per_s')):>12}")
    busy_runs = [f"{s['scenario']} ({s['clients']}): {s['cpu']['other_cores']:.2f}"
                 for s in report["scenarios"] if s.get("cpu", {}).get("other_cores", 0)
                 > QUIET_CORES]
    if busy_runs:
        print("\033[31mWARNING\033[0m: other processes used CPU during " + ", ".join(busy_runs)
              + " cores; those figures are pessimistic")
    bg = report["background_cpu"]
    busy = bg["other_cores"] + bg["postgres_cores"]
    print(f"machine before the load, nothing running: {busy:.2f} cores busy, "
          f"{bg['idle_cores']:.2f} idle")
    for s in report["scenarios"]:
        for error, count in s.get("error_samples", {}).items():
            print(f"  error in {s['scenario']} ({s['clients']}): {count} x {error}")

    prof = report["profile"]
    print("\nOne request at a time, in-process (Django test client, no HTTP):")
    for name in ("case", "duties"):
        p = prof[name]
        print(f"  {name:<7} p50 {p['wall']['p50_ms']} ms, p95 {p['wall']['p95_ms']} ms "
              f"(mean {p['wall']['mean_ms']}: SQL {p['sql_mean_ms']}, Python "
              f"{p['python_mean_ms']}); {p['statements_per_page']} statements, "
              f"{p['bytes_mean']:,} bytes ({p['requests']} rendered, {p['failures']} failed"
              f"{'' if p['requests'] else '; FIGURES FROM THE FAILED REQUESTS'})")
        for failure, count in p["failure_samples"].items():
            print(f"          failed {count} x {failure}")
    sql_runs = {(s["scenario"], s["clients"]): s for s in report["scenarios"]
                if s["kind"] == "sql"}
    clients = settings["clients"]
    for name, label in (("case", "case page SQL"), ("duties", "duties SQL")):
        print(f"\n  {name} page statements (mean ms each: in-process / psycopg 1 conn / "
              f"psycopg {clients} conns):")
        one = sql_runs.get((label, 1), {}).get("by_statement_mean_ms", {})
        many = sql_runs.get((label, clients), {}).get("by_statement_mean_ms", {})
        for stmt, figures in prof[name]["by_statement"].items():
            print(f"    {stmt:<40} x{figures['per_page']:<5g} {figures['mean_ms']:>8.3f} "
                  f"{_fmt(one.get(stmt), 3):>8} {_fmt(many.get(stmt), 3):>8}")
    if report["checks"]:
        print("\nChecks:")
        for check in report["checks"]:
            mark = "ok" if check["ok"] else "\033[31mFAILED\033[0m"
            print(f"  {mark:>6}  {check['check']}: {check['detail']}")
    v = report["verdict"]
    health = next((s for s in report["scenarios"]
                   if s["scenario"] == "/healthz" and s["clients"] == clients), None)
    print(f"\nTarget p95 < {TARGET_P95_MS:g} ms at {clients} clients: case page p95 "
          f"{_fmt(v.get('case_p95_ms'))} ms ({'met' if v.get('case_met') else 'NOT met'}), "
          f"My duties p95 {_fmt(v.get('duties_p95_ms'))} ms "
          f"({'met' if v.get('duties_met') else 'NOT met'}); /healthz p95 "
          f"{_fmt(health['p95_ms'] if health else None)} ms at "
          f"{_fmt(health['per_s'] if health else None)} req/s")
    if "case_paced_p95_ms" in v or "duties_paced_p95_ms" in v:
        think = report["settings"].get("think")
        print(f"Paced ({clients} practitioners, think time {think:g} s on average): case page "
              f"p95 {_fmt(v.get('case_paced_p95_ms'))} ms at {_fmt(v.get('case_paced_per_s'))} "
              f"req/s ({'met' if v.get('case_paced_met') else 'NOT met'}), My duties p95 "
              f"{_fmt(v.get('duties_paced_p95_ms'))} ms at "
              f"{_fmt(v.get('duties_paced_per_s'))} req/s "
              f"({'met' if v.get('duties_paced_met') else 'NOT met'})")


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cases", type=int, default=100_000,
                        help="cases in the synthetic feed (default 100000)")
    parser.add_argument("--seed", type=int, default=1, help="generator and sampling seed")
    parser.add_argument("--duration", type=float, default=30.0,
                        help="seconds measured per N-client scenario (default 30)")
    parser.add_argument("--warmup", type=float, default=5.0,
                        help="warm-up seconds before each N-client scenario (default 5)")
    parser.add_argument("--single-duration", type=float, default=10.0,
                        help="seconds per 1-client scenario (default 10; 0 skips them)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (50)")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean think time (s) of the paced N-client runs, in which each "
                             "client waits a random time (exponential) between an answer and "
                             "its next request, as a practitioner reading the page; 0 skips "
                             "them (default 1.0)")
    parser.add_argument("--think-duration", type=float, default=60.0,
                        help="seconds measured per paced run (default 60)")
    parser.add_argument("--refs", type=int, default=1000,
                        help="random Met case references the case page cycles through")
    parser.add_argument("--profile-pages", type=int, default=200,
                        help="case pages profiled in-process, and replayed as raw SQL")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--threads", type=int, default=4,
                        help="gunicorn threads per worker (default 4; 1 = sync worker)")
    parser.add_argument("--port", type=int, default=55496, help="PostgreSQL port (55496)")
    parser.add_argument("--http-port", type=int, default=8091, help="gunicorn port (8091)")
    parser.add_argument("--timeout", type=float, default=30.0, help="per-request timeout (s)")
    parser.add_argument("--quiet-wait", type=float, default=300.0,
                        help="wait up to this many seconds for other processes to leave the "
                             "CPUs idle before the load starts (default 300)")
    parser.add_argument("--max-requests", type=int, default=2_000_000,
                        help="cap on requests per scenario")
    parser.add_argument("--only", nargs="+", default=["healthz", "case", "duties", "sql"],
                        choices=["healthz", "case", "duties", "sql"],
                        help="scenarios to run (default all; 'sql' = the raw SQL baseline of "
                             "the pages named)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the PostgreSQL server and the database")
    parser.add_argument("--reuse-db", metavar="URL",
                        help="use this already loaded database (no generation, no import)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--save", metavar="FILE", help="also write the JSON to FILE")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.duration <= 0 or args.workers < 1 or args.threads < 1:
        parser.error("--clients, --duration, --workers and --threads must be positive")
    return args


def _terminate(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # so that the finally blocks stop gunicorn and PostgreSQL


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    server: PostgresServer | None = None
    gunicorn: Gunicorn | None = None
    setup: dict[str, Any] = {}
    try:
        if args.reuse_db:
            if not urlsplit(args.reuse_db).scheme.startswith(("postgres", "pgsql")):
                raise SystemExit("--reuse-db needs a PostgreSQL URL")
            url = args.reuse_db
        else:
            server = PostgresServer(args.port, args.keep)
            server.start()
            url, setup = load_database(server, args.cases, args.seed)
        setup["vacuum_analyze_s"] = vacuum_analyze(url)
        django_setup(url)
        from django.conf import settings as django_settings
        from django.db import connection, connections

        if django_settings.DEBUG:
            raise SystemExit("DJANGO_DEBUG must be off for the benchmark")
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            postgres_version = cursor.fetchone()[0]
        started = time.perf_counter()
        usernames = ensure_users(args.clients)
        setup["users_s"] = time.perf_counter() - started
        refs, met_cases = pick_references(args.refs, args.seed)
        data = data_counts()
        data["met_cases_by_force"] = met_cases
        log(f"{data['cases']:,} cases; {ORGANISATION}: {met_cases:,} cases, 'My duties' reads "
            f"{data['duties_page_rows']} duties {data['duties_page_groups']}")
        profile = profile_pages(usernames[0], refs[:args.profile_pages], duties_repeats=20)
        replay_keys = replay_sessions(usernames)
        connections.close_all()

        with tempfile.TemporaryDirectory(prefix="vjload-") as tmp:
            gunicorn = Gunicorn(url, args.http_port, args.workers, args.threads, Path(tmp))
            gunicorn.wait_ready()
            load = asyncio.run(load_phase(url, args, usernames, refs, data["duties_page_rows"],
                                          profile, replay_keys, gunicorn))
            gunicorn.stop()
            worker_class = gunicorn.worker_class
            gunicorn = None
        for name in ("case", "duties"):
            profile[name].pop("pages")
        profile.pop("session_key")
        report: dict[str, Any] = {
            "when": time.strftime("%Y-%m-%d %H:%M"),
            "machine": machine(), "postgres": postgres_version,
            "settings": {"clients": args.clients, "duration": args.duration,
                         "think": args.think, "think_duration": args.think_duration,
                         "warmup": args.warmup, "single_duration": args.single_duration,
                         "workers": args.workers, "threads": args.threads,
                         "worker_class": worker_class, "refs": len(refs), "seed": args.seed,
                         "database": url if (args.keep or args.reuse_db) else None},
            "setup": setup, "data": data, "profile": profile,
            "sign_in_s": load["sign_in_s"], "background_cpu": load["background_cpu"],
            "scenarios": load["scenarios"],
            "checks": load["checks"],
        }
        for name in ("case", "duties"):
            report["checks"].append({
                "check": f"{name} page rendered in-process", "ok": not profile[name]["failures"],
                "detail": f"{profile[name]['requests']} rendered, "
                          f"{profile[name]['failures']} failed"})
        report["setup"] = {k: round(v, 1) if isinstance(v, float) else v
                           for k, v in setup.items()}
        report["verdict"] = verdict(report)
        if args.save:
            Path(args.save).write_text(json.dumps(report, indent=2) + "\n")
        if args.json:
            print(json.dumps(report, indent=2))
        else:
            print_report(report)
        failed = (any(s["errors"] for s in report["scenarios"])
                  or any(not c["ok"] for c in report["checks"]))
        return 1 if failed else 0
    finally:
        if gunicorn is not None:
            gunicorn.stop()
        if server is not None:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
