"""Fixtures for the notification tests: a real SMTP server and a Notify stand-in on 127.0.0.1,
settings pointing at them, and cases imported through the feed (the one way in)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.helpers import lines, raw
from tests.notifications.standins import API_KEY, Mailbox, NotifyStandIn
from victimjourney.cases.models import Case
from victimjourney.core import clock
from victimjourney.duties.services import feed_import
from victimjourney.notifications.models import Delivery, Notice

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
TOKEN = "callback-token-for-tests-only"


@pytest.fixture
def mailbox():
    box = Mailbox().start()
    yield box
    box.stop()


@pytest.fixture
def notify():
    stand_in = NotifyStandIn().start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def wired(settings, mailbox, notify):
    """Settings for the real SMTP server and the Notify stand-in, with quick retries."""
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = mailbox.port
    settings.EMAIL_TIMEOUT = 2
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_BASE_URL = notify.base_url
    settings.NOTIFY_TIMEOUT = 0.5
    settings.NOTIFY_SMS_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
    settings.NOTIFY_LETTER_TEMPLATE_ID = "c5ac8c4e-2a0a-4a9c-9a7e-1e6d0a4e57b3"
    settings.NOTIFY_CALLBACK_TOKEN = TOKEN
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 0.02
    settings.NOTIFICATIONS_RETRY_CAP_SECONDS = 0.1
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 4
    return settings


@pytest.fixture
def now():
    with clock.frozen(NOW):
        yield NOW


EMAIL_ONLY = {"email": "sam@example.org"}
EVERYTHING = {"email": "sam@example.org", "phone": "07700 900123",
              "address": "1 High Street\nMaidstone\nME14 1AA"}


def case_import(reference: str, *, contact: dict[str, Any], language: str = "en",
                day: str = "2026-11-25", events: tuple[dict, ...] = (),
                name: str = "Sam Jones") -> Case:
    """A Kent case: crime reported and one victim (V1) identified on DAY, then EVENTS."""
    feed_import(lines=lines(
        raw(f"{reference}-r", "crime.reported", f"{day} 09:00", case=reference,
            offence="assault occasioning actual bodily harm"),
        raw(f"{reference}-v", "victim.identified", f"{day} 09:05", case=reference,
            victim="V1", kind="person", name=name, language=language, contact=contact),
        *events), source="test")
    return Case.objects.get(reference=reference)


def event(reference: str, suffix: str, etype: str, when: str, **data: Any) -> dict:
    provider = data.pop("provider", "police:kent")
    victim = data.pop("victim", None)
    return raw(f"{reference}-{suffix}", etype, when, case=reference, provider=provider,
               victim=victim, **data)


def feed(*events: dict) -> None:
    feed_import(lines=lines(*events), source="test")


def notice_of(reference: str, kind: str) -> Notice:
    return Notice.objects.get(case__reference=reference, kind=kind)


def only_delivery(notice: Notice) -> Delivery:
    (row,) = notice.deliveries.all()
    return row
