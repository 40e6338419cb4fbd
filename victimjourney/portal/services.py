"""Writes for the victim portal: sign-in codes, and the victim's own journey events.

Every action a victim takes writes a journey event (provider `victim`) through the feed import,
so duties, notifications and analytics see it like any other event.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from victimjourney.cases.models import Case
from victimjourney.core import clock
from victimjourney.core.errors import DomainError
from victimjourney.duties.services import feed_import
from victimjourney.portal import security
from victimjourney.portal.models import OneTimeCode
from victimjourney.victims.models import Victim

log = logging.getLogger(__name__)
_DIGITS = re.compile(r"\D")


class SignInLocked(DomainError):
    """Too many wrong codes: the reference is locked for a while."""


class CodeRejected(DomainError):
    """The code is wrong, used or expired (the message never says which)."""


def _normal_phone(value: str) -> str:
    digits = _DIGITS.sub("", value)
    if digits.startswith("44"):
        digits = "0" + digits[2:]
    return digits


def _matching_victims(reference: str, contact: str) -> list[tuple[Victim, str]]:
    """Victims on the case whose email or mobile on record is CONTACT, with the channel."""
    contact = contact.strip()
    wanted_email = contact.lower() if "@" in contact else None
    wanted_phone = _normal_phone(contact) if not wanted_email else None
    found = []
    for victim in Victim.objects.filter(case__reference=reference.strip()):
        details = victim.contact or {}
        email = str(details.get("email", "")).strip().lower()
        phone = _normal_phone(str(details.get("phone", "")))
        if wanted_email and email and secrets.compare_digest(email, wanted_email):
            found.append((victim, "email"))
        elif wanted_phone and len(wanted_phone) >= 10 and phone and secrets.compare_digest(
                phone, wanted_phone) and not details.get("sms_unsafe"):
            found.append((victim, "sms"))
    return found


def code_request(*, reference: str, contact: str, ip: str) -> None:
    """Send a sign-in code if REFERENCE and CONTACT match a victim on record. Says nothing
    either way: the caller shows the same page whatever happened."""
    over_ip = security.throttle_hit(f"ip:{ip}", limit=security.REQUESTS_PER_IP_PER_HOUR,
                                    window=dt_hour())
    over_ref = security.throttle_hit(f"ref:{reference.strip().upper()}",
                                     limit=security.CODES_PER_REFERENCE_PER_HOUR,
                                     window=dt_hour())
    matches = _matching_victims(reference, contact)
    if over_ip or over_ref or security.is_locked(f"code:{reference.strip().upper()}"):
        return
    for victim, channel in matches[:1]:
        code = f"{secrets.randbelow(10**6):06d}"
        now = clock.now()
        OneTimeCode.objects.create(
            victim=victim, channel=channel, created_at=now,
            expires_at=now + security.CODE_LIFETIME,
            code_hash=security.keyed_hash("code", str(victim.pk), code))
        _deliver(victim, channel, contact.strip(), code)


def dt_hour():
    import datetime as dt

    return dt.timedelta(hours=1)


def _deliver(victim: Victim, channel: str, destination: str, code: str) -> None:
    """Send the code; the message carries no case details."""
    with translation.override(victim.language or "en"):
        text = _("Your Victim Journey sign-in code is %(code)s. It expires in 10 minutes. "
                 "Do not share it with anyone.") % {"code": code}
        subject = _("Your Victim Journey sign-in code")
    if channel == "email":
        send_mail(subject, text, getattr(settings, "DEFAULT_FROM_EMAIL", None),
                  [destination], fail_silently=False)
        return
    api_key = getattr(settings, "NOTIFY_API_KEY", "")
    template = getattr(settings, "NOTIFY_TEMPLATE_PORTAL_CODE", "")
    if not api_key or not template:
        log.warning("portal code by SMS requested but GOV.UK Notify is not configured")
        return
    from notifications_python_client.notifications import NotificationsAPIClient

    client = NotificationsAPIClient(api_key, base_url=getattr(
        settings, "NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"))
    client.send_sms_notification(phone_number=destination, template_id=template,
                                 personalisation={"code": code})


def code_verify(*, reference: str, code: str) -> Victim:
    """The victim the code was sent to, or CodeRejected / SignInLocked."""
    key = f"code:{reference.strip().upper()}"
    if security.is_locked(key):
        raise SignInLocked(_("Too many wrong codes. Try again in 15 minutes."))
    now = clock.now()
    code = _DIGITS.sub("", code)
    with transaction.atomic():
        candidates = list(OneTimeCode.objects.select_for_update().filter(
            victim__case__reference=reference.strip(), used_at__isnull=True,
            expires_at__gt=now).select_related("victim"))
        for candidate in candidates:
            expected = security.keyed_hash("code", str(candidate.victim_id), code)
            if secrets.compare_digest(candidate.code_hash, expected):
                candidate.used_at = now
                candidate.save(update_fields=["used_at"])
                return candidate.victim
    # Outside the transaction above, so that the count and the lock are kept.
    if security.throttle_hit(key, limit=security.MAX_CODE_ATTEMPTS - 1,
                             window=security.LOCKOUT):
        security.lock(key, now + security.LOCKOUT)
        raise SignInLocked(_("Too many wrong codes. Try again in 15 minutes."))
    raise CodeRejected(_("The code is not right, or it has expired. Check it, or ask for a "
                         "new code."))


def victim_event(*, victim: Victim, event_type: str, data: dict[str, Any]) -> str:
    """Write one event from the victim (through the portal) and return its id."""
    event_id = f"portal-{uuid.uuid4()}"
    line = {"id": event_id, "type": event_type, "case": victim.case.reference,
            "provider": "victim", "occurred_at": clock.now().isoformat(),
            "victim": victim.key, "data": data}
    feed_import(lines=[json.dumps(line)], source=f"portal:{victim.case.reference}/{victim.key}")
    return event_id


def case_of(victim: Victim) -> Case:
    return victim.case
