"""The django-tasks worker (`db_worker --batch`) draining the outbox: retries with backoff,
and a notice sent once however often its task runs."""

import datetime as dt
import signal
import time

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from tests.helpers import LONDON
from tests.notifications.conftest import EMAIL_ONLY, case_import, event, notice_of, only_delivery
from victimjourney.core import clock
from victimjourney.duties.models import Duty
from victimjourney.notifications.models import Delivery, Notice
from victimjourney.notifications.tasks import notice_deliver, notices_sweep
from victimjourney.organisations.services import reference_load

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def organisations(transactional_db):
    """A transactional test starts from tables another one may have flushed."""
    reference_load()


def local(delta_hours: float) -> str:
    return (clock.now() + dt.timedelta(hours=delta_hours)).astimezone(LONDON).strftime(
        "%Y-%m-%d %H:%M")


def worker() -> None:
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def drain(rounds: int = 60) -> None:
    for _ in range(rounds):
        worker()
        notices_sweep()  # as cron would: evidence a finished worker left, lost tasks
        busy = Delivery.objects.filter(status__in=("queued", "sending")).exists()
        if not busy and not Notice.objects.filter(status="delivered",
                                                  evidence_at__isnull=True).exists():
            return
        time.sleep(0.05)
    raise AssertionError("the outbox did not drain")


def recent_arrest(reference: str) -> None:
    case_import(reference, contact=EMAIL_ONLY, day=local(-30)[:10], events=(
        event(reference, "a", "suspect.arrested", local(-1)),))


def test_the_worker_retries_while_the_mail_server_is_down_then_delivers(wired, mailbox):
    wired.NOTIFICATIONS_RETRY_BASE_SECONDS = wired.NOTIFICATIONS_RETRY_CAP_SECONDS = 1.5
    mailbox.stop()
    recent_arrest("KEN/70/26")
    worker()
    first = only_delivery(notice_of("KEN/70/26", "arrested"))
    assert (first.status, first.attempts) == ("queued", 1)
    assert "ConnectionRefusedError" in first.last_error
    mailbox.start()
    drain()
    first.refresh_from_db()
    assert (first.status, first.attempts) == ("delivered", 2)
    assert len(mailbox.wire) == 2  # the arrest, and the crime report's confirmation
    duty = Duty.objects.get(trigger_event_id="KEN/70/26-a", entitlement="suspect_arrested")
    assert duty.status == "met"


def test_a_notice_is_sent_once_even_when_its_task_runs_twice(wired, mailbox):
    recent_arrest("KEN/71/26")
    delivery = only_delivery(notice_of("KEN/71/26", "arrested"))
    notice_deliver.enqueue(delivery.pk)  # a duplicate task (a sweep, a retry click)
    worker()
    worker()
    message_id = f"<vj-{delivery.pk}-0@victimjourney.invalid>"
    assert mailbox.wire.count(message_id) == 1
    results = sorted(r.return_value for r in DBTaskResult.objects.filter(
        task_path="victimjourney.notifications.tasks.notice_deliver",
        args_kwargs__args=[delivery.pk]))
    assert results == ["delivered", "not claimed"]


def test_the_sweep_re_enqueues_only_deliveries_whose_task_was_lost(wired, mailbox):
    recent_arrest("KEN/72/26")
    later = clock.now() + dt.timedelta(minutes=11)
    assert notices_sweep(now=later)["requeued"] == 0  # both tasks are waiting: a queue
    DBTaskResult.objects.all().delete()  # lost (say, enqueued by a process that died)
    assert notices_sweep(now=later)["requeued"] == 2
    assert notices_sweep(now=later)["requeued"] == 0
    drain()
    assert sorted(mailbox.wire) == sorted(
        f"<vj-{d.pk}-0@victimjourney.invalid>" for d in Delivery.objects.all())
