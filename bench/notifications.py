"""Benchmark of the notifications outbox: notices per second through the outbox to a local SMTP
server, and the time from event to delivery (p50/p95).

    /tmp/vjvenv/bin/python bench/notifications.py                     # SQLite (or DATABASE_URL)
    DATABASE_URL=postgres://postgres@127.0.0.1:55440/x /tmp/vjvenv/bin/python bench/notifications.py
    /tmp/vjvenv/bin/python bench/notifications.py --burst 2000 --stream 300 --rate 20 --workers 2

Two runs on a fresh database of their own (tests/notifications/scratch.py: a new PostgreSQL
database on DATABASE_URL's server, else a SQLite file in /dev/shm), against the real SMTP server
of the tests (aiosmtpd on 127.0.0.1, in this process):

1. burst: BURST notices written by one import (20 victims to a case, each with an email
   address), then WORKERS `victimjourney db_worker` processes drain the outbox. Reported:
   notices per second from the workers' start to the last message accepted, and how long the
   evidence (the `contact.made` that meets each duty) took to follow.
2. stream: STREAM events, one import each (a case, its victim, the crime report), at RATE a
   second while the workers run. Reported: the time from the start of each import to its
   message reaching the SMTP server, p50 / p95 / max; and to the duty being met.

Progress goes to stderr, the figures to stdout (--json for JSON).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.notifications.scratch import Scratch  # noqa: E402
from tests.notifications.standins import Mailbox  # noqa: E402

WORKER = ("-m", "victimjourney", "db_worker", "--no-startup-delay", "--interval", "0.05",
          "--no-reload", "--skip-checks", "-v0")


class TimedMailbox(Mailbox):
    """The tests' mailbox, noting when each message arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: dict[str, float] = {}

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        reply = await super().handle_DATA(server, session, envelope)
        mid = self.wire[-1]
        self.arrived.setdefault(mid, time.time())
        return reply


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def wait_for(condition, limit: float) -> None:  # type: ignore[no-untyped-def]
    stop = time.monotonic() + limit
    while not condition():
        if time.monotonic() > stop:
            raise SystemExit("timed out")
        time.sleep(0.02)


def burst(scratch: Scratch, mailbox: TimedMailbox, count: int, workers: int) -> dict:
    log(f"burst: seeding {count} notices")
    scratch.run("-m", "tests.notifications.faultrun", "seed", str(count), "20")
    start = time.time()
    procs = [scratch.popen(*WORKER) for _ in range(workers)]
    try:
        wait_for(lambda: len(mailbox.arrived) >= count, 1800)
        sent = time.time()
        wait_for(lambda: scratch.sql("SELECT COUNT(*) FROM notifications_notice "
                                     "WHERE evidence_at IS NULL")[0][0] == 0, 1800)
        evidenced = time.time()
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait()
    first = min(mailbox.arrived.values())
    return {"notices": count, "workers": workers,
            "seconds": round(sent - start, 2),
            "notices_per_second": round(count / (sent - start), 1),
            "notices_per_second_after_first": round((count - 1) / (sent - first), 1),
            "evidence_done_after_seconds": round(evidenced - sent, 2),
            "wire": len(mailbox.wire)}


def stream(scratch: Scratch, mailbox: TimedMailbox, count: int, rate: float,
           workers: int) -> dict:
    os.environ.update(scratch.env)
    import django

    django.setup()
    from victimjourney.core import clock
    from victimjourney.duties.services import feed_import
    from victimjourney.notifications.models import Delivery

    procs = [scratch.popen(*WORKER) for _ in range(workers)]
    started: dict[str, float] = {}
    try:
        time.sleep(2.0)  # let the workers start
        log(f"stream: {count} events at {rate}/s")
        for i in range(count):
            case = f"STR/{i}/26"
            when = (clock.now() - dt.timedelta(minutes=1)).isoformat()
            lines = [
                {"id": f"str-{i}-r", "type": "crime.reported", "case": case,
                 "provider": "police:kent", "occurred_at": when, "data": {"offence": "theft"}},
                {"id": f"str-{i}-v", "type": "victim.identified", "case": case,
                 "provider": "police:kent", "occurred_at": when, "victim": "V1",
                 "data": {"kind": "person", "contact": {"email": f"s{i}@example.org"}}},
            ]
            started[case] = time.time()
            feed_import(lines=[json.dumps(line) for line in lines], source="bench")
            time.sleep(max(0.0, started[case] + 1 / rate - time.time()))
        wait_for(lambda: Delivery.objects.filter(
            notice__case__reference__startswith="STR/", status="delivered").count() == count,
                 600)
        wait_for(lambda: not Delivery.objects.filter(
            notice__case__reference__startswith="STR/", notice__evidence_at__isnull=True
        ).exists(), 600)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait()
    to_smtp, to_duty = [], []
    domain = "victimjourney.invalid"
    for pk, case, evidence_at in Delivery.objects.filter(
            notice__case__reference__startswith="STR/").values_list(
            "pk", "notice__case__reference", "notice__evidence_at"):
        arrived = mailbox.arrived[f"<vj-{pk}-0@{domain}>"]
        to_smtp.append(arrived - started[case])
        to_duty.append(evidence_at.timestamp() - started[case])
    ms = [1000 * v for v in to_smtp]
    duty_ms = [1000 * v for v in to_duty]
    return {"events": count, "rate_per_second": rate, "workers": workers,
            "event_to_smtp_ms": {"p50": round(statistics.median(ms)),
                                 "p95": round(percentile(ms, 0.95)), "max": round(max(ms))},
            "event_to_duty_met_ms": {"p50": round(statistics.median(duty_ms)),
                                     "p95": round(percentile(duty_ms, 0.95)),
                                     "max": round(max(duty_ms))}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--burst", type=int, default=2000)
    parser.add_argument("--stream", type=int, default=300)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")
    mailbox = TimedMailbox().start()
    folder = Path(tempfile.mkdtemp(prefix="vjbench-notices-"))
    scratch = Scratch(f"vjbench_notices_{os.getpid()}", folder,
                      {"FAULT_SMTP_PORT": str(mailbox.port)})
    figures: dict = {"database": "postgresql" if scratch.postgres else "sqlite",
                     "cpus": os.cpu_count(), "load_before": os.getloadavg()[0]}
    sweeper = None
    try:
        log(f"database: {scratch.url}")
        scratch.migrate()
        sweeper = scratch.popen("-m", "tests.notifications.faultrun", "sweep", "1")
        figures["burst"] = burst(scratch, mailbox, args.burst, args.workers)
        figures["stream"] = stream(scratch, mailbox, args.stream, args.rate, args.workers)
    finally:
        if sweeper is not None:
            sweeper.terminate()
            sweeper.wait()
        mailbox.stop()
        from django.db import connections

        connections.close_all()
        scratch.drop()
    figures["load_after"] = os.getloadavg()[0]
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    b, s = figures["burst"], figures["stream"]
    print(f"database {figures['database']}, {b['workers']} worker(s), "
          f"load average {figures['load_before']:.1f} -> {figures['load_after']:.1f}")
    print(f"burst:  {b['notices']} notices in {b['seconds']} s = {b['notices_per_second']} "
          f"notices/s to the SMTP server; evidence (duties met) {b['evidence_done_after_seconds']}"
          f" s after the last message")
    print(f"stream: {s['events']} events at {s['rate_per_second']}/s: event to SMTP p50 "
          f"{s['event_to_smtp_ms']['p50']} ms, p95 {s['event_to_smtp_ms']['p95']} ms, max "
          f"{s['event_to_smtp_ms']['max']} ms; event to duty met p50 "
          f"{s['event_to_duty_met_ms']['p50']} ms, p95 {s['event_to_duty_met_ms']['p95']} ms")


if __name__ == "__main__":
    main()
