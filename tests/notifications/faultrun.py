"""Helper processes for the fault test and the benchmark:

    python -m tests.notifications.faultrun seed N [V]  N victims with an email address, V to a
                                                       case (default 10): N notices in the outbox
    python -m tests.notifications.faultrun sweep S     run the sweep every S seconds, forever
    python -m tests.notifications.faultrun pool W      a parent with Django loaded: each line
                                                       "spawn" on stdin forks a worker process
                                                       (`db_worker`, W = its poll interval) and
                                                       prints its pid, so workers killed with
                                                       SIGKILL restart in milliseconds
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sys
import time


def seed(count: int, per_case: int) -> None:
    from victimjourney.core import clock
    from victimjourney.duties.services import feed_import

    when = (clock.now() - dt.timedelta(hours=1)).isoformat()
    lines = []
    for i in range(count):
        case = f"FLT/{i // per_case}/26"
        if i % per_case == 0:
            lines.append({"id": f"flt-{i}-r", "type": "crime.reported", "case": case,
                          "provider": "police:kent", "occurred_at": when,
                          "data": {"offence": "violent disorder"}})
        lines.append({"id": f"flt-{i}-v", "type": "victim.identified", "case": case,
                      "provider": "police:kent", "occurred_at": when,
                      "victim": f"V{i % per_case + 1}",
                      "data": {"kind": "person", "name": f"Victim {i}",
                               "contact": {"email": f"victim{i}@example.org"}}})
    feed_import(lines=[json.dumps(line) for line in lines], source="fault-seed")


def sweep(every: float) -> None:
    from django.db import OperationalError

    from victimjourney.notifications.tasks import notices_sweep

    while True:
        try:
            notices_sweep()
        except OperationalError as exc:  # a busy database: next time
            print(f"sweep: {exc}", file=sys.stderr)
        time.sleep(every)


def pool(interval: float) -> None:
    from django.core.management import call_command
    from django.db import connections

    import victimjourney.notifications.tasks  # noqa: F401 - loaded once, before forking

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the killed workers
    for line in sys.stdin:
        if line.strip() != "spawn":
            continue
        connections.close_all()  # a child opens its own
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            try:
                call_command("db_worker", startup_delay=False, interval=interval, reload=False,
                             skip_checks=True, verbosity=0)
            finally:
                os._exit(0)
        print(pid, flush=True)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.notifications.fault_settings")
    import django

    django.setup()
    command, value = sys.argv[1], sys.argv[2]
    if command == "seed":
        seed(int(value), int(sys.argv[3]) if len(sys.argv) > 3 else 10)
    elif command == "sweep":
        sweep(float(value))
    elif command == "pool":
        pool(float(value))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
