"""The channels that send: email by SMTP (Django's email backend), texts and letters through
GOV.UK Notify (`notifications-python-client`). Each send returns an `Outcome`; nothing here
writes to the database.

Failures are sorted once, here: a permanent failure (the address or number is refused, the
letter's address is invalid) falls back to the next channel; anything else (the server is
down, 429, 5xx, a timeout, our own configuration) is retried with backoff.
"""

from __future__ import annotations

import contextlib
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.core.mail import EmailMessage, get_connection
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import APIError

from victimjourney.notifications.conf import setting

Result = Literal["delivered", "sent", "failed", "retry"]

# Notify statuses (texts and letters) and what they mean for a delivery.
NOTIFY_DELIVERED = frozenset({"delivered", "received"})
NOTIFY_FAILED = frozenset({"permanent-failure", "temporary-failure", "validation-failed",
                           "virus-scan-failed", "cancelled", "returned-letter"})
NOTIFY_RESEND = frozenset({"technical-failure"})


class ClaimLost(Exception):
    """Raised by the worker's checkpoint just before the step that cannot be undone: the
    delivery is no longer this worker's (its lease ran out and it was queued again)."""


@dataclass(frozen=True)
class Outcome:
    result: Result
    provider_id: str = ""
    status: str = ""  # the provider's own word (SMTP reply, Notify status)
    detail: str = ""


def notify_result(status: str) -> Result | None:
    """What a Notify status means: delivered, failed (fall back), retry (send again), or None
    (still on its way)."""
    if status in NOTIFY_DELIVERED:
        return "delivered"
    if status in NOTIFY_FAILED:
        return "failed"
    if status in NOTIFY_RESEND:
        return "retry"
    return None


# ------------------------------------------------------------------------------------ email

def _smtp_failure(exc: Exception) -> Outcome:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        text = "; ".join(f"{code} {msg.decode(errors='replace')}"
                         for code, msg in exc.recipients.values())
        permanent = bool(codes) and all(code >= 500 for code in codes)
        return Outcome("failed" if permanent else "retry", detail=f"recipient refused: {text}")
    if isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500:
        error = exc.smtp_error
        text = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
        return Outcome("failed", detail=f"message refused: {exc.smtp_code} {text}")
    # The server is down or busy, or our own sender or login is refused: not the victim's
    # address, so retry (and show it) rather than fall back.
    return Outcome("retry", detail=f"{type(exc).__name__}: {exc}"[:500])


def send_email(*, to: str, subject: str, text: str, message_id: str,
               before_commit: Callable[[], None]) -> Outcome:
    """Send one email; accepted by the SMTP server is the receipt (`delivered`).
    BEFORE_COMMIT runs just before the end of DATA; if it raises ClaimLost the connection is
    dropped there, and the server discards the message."""
    backend: Any = get_connection(backend=setting("NOTIFICATIONS_EMAIL_BACKEND"),
                                  fail_silently=False)
    message = EmailMessage(subject=subject, body=text, from_email=setting(
        "NOTIFICATIONS_FROM_EMAIL"), to=[to], headers={"Message-ID": message_id},
        connection=backend)
    try:
        backend.open()
        connection = getattr(backend, "connection", None)
        if connection is not None and hasattr(connection, "before_commit"):
            connection.before_commit = before_commit
        backend.send_messages([message])
        reply = getattr(connection, "last_reply", None)
    except ClaimLost:
        if backend.connection is not None:
            backend.connection.close()  # no QUIT: we are in the middle of DATA
            backend.connection = None
        raise
    except (smtplib.SMTPException, OSError) as exc:
        return _smtp_failure(exc)
    finally:
        # The message's fate is already known; a failed QUIT changes nothing.
        with contextlib.suppress(smtplib.SMTPException, OSError):
            backend.close()
    status = f"{reply[0]} {reply[1].decode(errors='replace')}" if reply else "accepted"
    return Outcome("delivered", provider_id=message_id, status=status[:200])


# ----------------------------------------------------------------------------------- Notify

def _client() -> NotificationsAPIClient:
    return NotificationsAPIClient(setting("NOTIFY_API_KEY"), base_url=setting(
        "NOTIFY_BASE_URL"), timeout=setting("NOTIFY_TIMEOUT"))


def _notify_failure(exc: APIError) -> Outcome:
    message = exc.message
    if isinstance(message, list):  # Notify's errors: [{"error": ..., "message": ...}]
        message = "; ".join(str(e.get("message") or e.get("error")) if isinstance(e, dict)
                            else str(e) for e in message)
    detail = f"Notify {exc.status_code}: {message}"[:500]
    # 400: the number or address was refused; anything else (403 key, 429, 5xx, timeouts,
    # reported as 503) is worth another try.
    return Outcome("failed" if exc.status_code in (400, 404) else "retry", detail=detail)


def _configured(*names: str) -> str:
    missing = [n for n in ("NOTIFY_API_KEY", *names) if not setting(n)]
    return f"GOV.UK Notify is not configured ({', '.join(missing)})" if missing else ""


def notify_lookup(reference: str) -> dict[str, Any] | None:
    """The notification Notify already has with REFERENCE (a send whose answer was lost)."""
    found = _client().get_all_notifications(reference=reference).get("notifications") or []
    return found[0] if found else None


def _adopted(existing: dict[str, Any]) -> Outcome:
    status = str(existing.get("status", ""))
    result = notify_result(status)
    return Outcome("sent" if result is None else result, provider_id=str(existing["id"]),
                   status=status, detail="already sent: found at Notify by its reference")


def send_sms(*, reference: str, phone: str, text: str, check_first: bool,
             before_commit: Callable[[], None]) -> Outcome:
    if problem := _configured("NOTIFY_SMS_TEMPLATE_ID"):
        return Outcome("retry", detail=problem)
    try:
        if check_first and (existing := notify_lookup(reference)):
            return _adopted(existing)
        before_commit()
        answer = _client().send_sms_notification(
            phone_number=phone, template_id=setting("NOTIFY_SMS_TEMPLATE_ID"),
            personalisation={"body": text}, reference=reference)
    except APIError as exc:
        return _notify_failure(exc)
    return Outcome("sent", provider_id=str(answer["id"]), status="created")


def send_letter(*, reference: str, address: list[str], subject: str, text: str,
                check_first: bool, before_commit: Callable[[], None]) -> Outcome:
    if problem := _configured("NOTIFY_LETTER_TEMPLATE_ID"):
        return Outcome("retry", detail=problem)
    personalisation: dict[str, str] = {f"address_line_{i}": line
                                       for i, line in enumerate(address[:7], start=1)}
    personalisation.update(subject=subject, body=text)
    try:
        if check_first and (existing := notify_lookup(reference)):
            return _adopted(existing)
        before_commit()
        answer = _client().send_letter_notification(
            template_id=setting("NOTIFY_LETTER_TEMPLATE_ID"), personalisation=personalisation,
            reference=reference)
    except APIError as exc:
        return _notify_failure(exc)
    return Outcome("sent", provider_id=str(answer["id"]), status="accepted")


def notify_status(provider_id: str) -> str:
    return str(_client().get_notification_by_id(provider_id).get("status", ""))
