"""The notifications app's settings, each with a safe local default (docs/NOTIFICATIONS.md).

Read with `setting(NAME)`; `config/settings.py` may set any of them (secrets from the
environment only).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Planning: only duties whose trigger reached the system within this many days, and
    # whose duty is still owed, get a notice (a bulk import of an old feed sends nothing).
    "NOTIFICATIONS_PLAN_WINDOW_DAYS": 14,
    "NOTIFICATIONS_PLAN_STATUSES": ("open", "breached"),
    # Retries: attempt n waits up to min(cap, base x 2^(n-1)) seconds; after the last attempt
    # the failure is treated as permanent and the next channel is used.
    "NOTIFICATIONS_MAX_ATTEMPTS": 8,
    "NOTIFICATIONS_RETRY_BASE_SECONDS": 30.0,
    "NOTIFICATIONS_RETRY_CAP_SECONDS": 3600.0,
    # A worker's claim on a delivery lasts this long; longer than any send can take.
    "NOTIFICATIONS_CLAIM_SECONDS": 300.0,
    # The sweep re-enqueues a queued delivery whose task has not run for this long.
    "NOTIFICATIONS_REQUEUE_SECONDS": 600.0,
    # The sweep asks Notify for the status of a text or letter with no receipt after this.
    "NOTIFICATIONS_POLL_AFTER_SECONDS": 900.0,
    # Shown as undelivered on the supervisors' page after this many hours without a receipt.
    "NOTIFICATIONS_UNDELIVERED_HOURS": {"email": 1, "sms": 24, "letter": 168, "portal": 168},
    # Shown as stuck: queued and due for longer than this.
    "NOTIFICATIONS_STUCK_SECONDS": 900.0,
    # Delivered notices whose evidence is written in one import (one transaction).
    "NOTIFICATIONS_EVIDENCE_BATCH": 200,
    # After a delivery, its evidence is written within this many seconds (batched).
    "NOTIFICATIONS_EVIDENCE_DELAY_SECONDS": 1.0,
    "NOTIFICATIONS_FROM_EMAIL": "Victim Journey <no-reply@victimjourney.invalid>",
    "NOTIFICATIONS_MESSAGE_ID_DOMAIN": "victimjourney.invalid",
    "NOTIFICATIONS_EMAIL_BACKEND": "victimjourney.notifications.mail.TwoPhaseEmailBackend",
    "NOTIFICATIONS_PORTAL_URL": "http://127.0.0.1:8000/portal/",
    "NOTIFICATIONS_COMPLAINT_RESPONSE_DAYS": 20,
    # GOV.UK Notify: texts and letters. The key and the callback token are secrets.
    "NOTIFY_API_KEY": "",
    "NOTIFY_BASE_URL": "https://api.notifications.service.gov.uk",
    "NOTIFY_TIMEOUT": 10.0,
    "NOTIFY_SMS_TEMPLATE_ID": "",
    "NOTIFY_LETTER_TEMPLATE_ID": "",
    "NOTIFY_CALLBACK_TOKEN": "",
}


def setting(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
