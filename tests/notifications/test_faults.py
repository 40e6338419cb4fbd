"""Fault injection: 1,000 notices delivered through a real SMTP server while the workers
are killed with SIGKILL at random points (at least 20 kills) and restarted.

The workers (`db_worker`, three at a time, racing for the same deliveries) and the sweep run
as processes of their own on a database of their own (tests/notifications/scratch.py). To
restart in milliseconds, workers are forked from a parent that has Django loaded
(`faultrun pool`); each is the management command `db_worker`, as in production. Every notice
must arrive exactly once in the mailbox, and every duty it answers must be met by exactly one
recorded contact.

What "exactly once" rests on: a delivery is claimed by a conditional UPDATE; a worker killed
before the end of SMTP DATA sent nothing (the server drops the unfinished message) and its
delivery is queued again after its lease; a worker killed after the end of DATA may have sent
it, so the resend keeps the Message-ID (the mailbox files by Message-ID, as mail systems do)
and the delivery is flagged `ambiguous`. The test checks that the wire carries a repeat only
for flagged deliveries.
"""

from __future__ import annotations

import os
import random
import signal
import time

import pytest

from tests.notifications.scratch import Scratch
from tests.notifications.standins import Mailbox

pytestmark = pytest.mark.slow

NOTICES = int(os.environ.get("FAULT_NOTICES", "1000"))
KILLS = 24
AT_ONCE = 3
LIMIT_SECONDS = 900  # a bound for a loaded machine; about a minute on an idle one


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_every_notice_arrives_exactly_once_while_workers_are_killed(tmp_path):
    rng = random.Random(int(os.environ.get("FAULT_SEED", "20261126")))
    mailbox = Mailbox().start()
    scratch = Scratch(f"vjfault_{os.getpid()}", tmp_path,
                      {"FAULT_SMTP_PORT": str(mailbox.port)})
    helpers = []
    workers: list[int] = []
    try:
        scratch.migrate()
        scratch.run("-m", "tests.notifications.faultrun", "seed", str(NOTICES), "20")
        expected = {f"<vj-{pk}-0@victimjourney.invalid>" for (pk,) in scratch.sql(
            "SELECT id FROM notifications_delivery WHERE status = 'queued'")}
        assert len(expected) == NOTICES
        helpers.append(scratch.popen("-m", "tests.notifications.faultrun", "sweep", "0.25"))
        pool = scratch.popen("-m", "tests.notifications.faultrun", "pool", "0.05", pipes=True)
        helpers.append(pool)

        def spawn() -> int:
            pool.stdin.write("spawn\n")
            pool.stdin.flush()
            pid = int(pool.stdout.readline())
            workers.append(pid)
            return pid

        kills = 0
        began = time.monotonic()
        deadline = began + LIMIT_SECONDS
        while kills < KILLS:
            assert time.monotonic() < deadline, f"only {kills} kills in time"
            batch = [spawn() for _ in range(AT_ONCE)]
            seen = len(mailbox.wire)
            started = time.monotonic()
            while len(mailbox.wire) < seen + AT_ONCE and time.monotonic() - started < 20:
                time.sleep(0.002)
            # Each worker is killed at its own random moment while the work goes on.
            started = time.monotonic()
            for pid, moment in sorted(zip(batch, (rng.uniform(0, 0.3) for _ in batch),
                                          strict=True), key=lambda pair: pair[1]):
                time.sleep(max(0.0, started + moment - time.monotonic()))
                if alive(pid):
                    os.kill(pid, signal.SIGKILL)
                    kills += 1
        killed_at = len(set(mailbox.wire))
        assert killed_at < NOTICES, "the work finished before the kills did: too little work"

        for _ in range(2):
            spawn()
        while True:
            assert time.monotonic() < deadline, scratch.sql(
                "SELECT status, COUNT(*) FROM notifications_delivery GROUP BY status")
            (left,) = scratch.sql(
                "SELECT COUNT(*) FROM notifications_notice "
                "WHERE status <> 'delivered' OR evidence_at IS NULL")[0]
            if left == 0:
                break
            time.sleep(0.2)
        elapsed = time.monotonic() - began
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGTERM)

        # Every notice once in the mailbox: no loss, no duplicate.
        assert set(mailbox.messages) == expected
        assert len(mailbox.messages) == NOTICES
        # A repeat on the wire only where a worker died after the end of DATA.
        repeats = {mid for mid in mailbox.wire if mailbox.wire.count(mid) > 1}
        flagged = {f"<vj-{pk}-0@victimjourney.invalid>" for (pk,) in scratch.sql(
            "SELECT id FROM notifications_delivery WHERE ambiguous")}
        assert repeats <= flagged
        assert scratch.sql("SELECT status, COUNT(*) FROM notifications_delivery "
                           "GROUP BY status") == [("delivered", NOTICES)]
        # Each notice's duty met once, by the contact its delivery recorded.
        assert scratch.sql("SELECT COUNT(*), COUNT(DISTINCT id) FROM journey_event "
                           "WHERE type = 'contact.made'") == [(NOTICES, NOTICES)]
        assert scratch.sql("SELECT status, COUNT(*) FROM duties_duty WHERE entitlement = "
                           "'written_confirmation_of_crime' GROUP BY status") == [
            ("met", NOTICES)]
        print(f"\n{kills} SIGKILLs ({killed_at} notices delivered by then), all delivered "
              f"and evidenced after {elapsed:.0f} s (load average {os.getloadavg()[0]:.1f}); "
              f"{len(mailbox.wire)} messages on the wire for {NOTICES} notices; "
              f"{len(repeats)} resent after a kill at the end of DATA "
              f"({len(flagged)} deliveries flagged ambiguous)")
    finally:
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        for process in helpers:
            process.kill()
            process.wait()
        mailbox.stop()
        scratch.drop()
