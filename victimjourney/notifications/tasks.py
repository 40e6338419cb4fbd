"""Background tasks (django-tasks, database backend). Run a worker with
`victimjourney db_worker` (or `--batch` to drain the queue and exit), and the sweep every
minute with `victimjourney notices_sweep` (cron or a systemd timer).

A task only names a delivery: the outbox rows are the truth, so a lost or repeated task is
harmless (the sweep re-enqueues what is due; a second run of the same task claims nothing).
"""

from __future__ import annotations

import datetime as dt

from django_tasks import TaskResultStatus, task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from victimjourney.core import clock
from victimjourney.notifications import delivery, evidence
from victimjourney.notifications.conf import setting


@task()
def notice_deliver(delivery_id: int) -> str:
    return delivery.delivery_send(delivery_id=delivery_id)


@task()
def notices_evidence() -> int:
    return evidence.evidence_record()


def delivery_enqueue(delivery_id: int, run_after: dt.datetime | None) -> None:
    if run_after is not None and run_after > clock.now():
        notice_deliver.using(run_after=run_after).enqueue(delivery_id)
    else:
        notice_deliver.enqueue(delivery_id)


def deliveries_waiting() -> set[int] | None:
    """The deliveries whose task is waiting to run (None if the task backend cannot say). A
    task that was running when its worker was killed stays `RUNNING`: it is not waiting."""
    backend = notice_deliver.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return None
    rows = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, backend_name=backend.alias,
        task_path=notice_deliver.module_path).values_list("args_kwargs", flat=True)
    return {int(row["args"][0]) for row in rows.iterator() if row.get("args")}


def deliveries_enqueue(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        notice_deliver.enqueue(delivery_id)


_evidence_due: list[dt.datetime] = []  # this process's evidence task still to run


def evidence_enqueue() -> None:
    """Have the evidence of delivered notices written soon, in batches: one task per process
    per NOTIFICATIONS_EVIDENCE_DELAY_SECONDS covers every notice delivered meanwhile (the sweep
    writes whatever a dead process left)."""
    now = clock.now()
    if _evidence_due and _evidence_due[0] > now:
        return
    due = now + dt.timedelta(seconds=float(setting("NOTIFICATIONS_EVIDENCE_DELAY_SECONDS")))
    _evidence_due[:] = [due]
    notices_evidence.using(run_after=due).enqueue()


def notices_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Recover deliveries of dead workers, re-enqueue lost tasks, ask Notify about texts and
    letters with no receipt, and write any evidence still pending. Idempotent."""
    instant = now or clock.now()
    return {
        "recovered": delivery.deliveries_recover(instant),
        "requeued": delivery.deliveries_requeue(instant),
        "polled": delivery.deliveries_poll(instant),
        "evidence": evidence.evidence_record(),
    }
