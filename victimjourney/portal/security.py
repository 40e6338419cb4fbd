"""Sign-in rules for the victim portal (victims-code issue 4):

- a code is 6 digits from `secrets`, kept only as a keyed hash, valid for 10 minutes, usable once;
- 5 wrong codes lock the reference out for 15 minutes; at most 3 codes an hour per case
  reference and 20 requests an hour per IP address;
- nothing reveals whether a reference or an address exists: the same message and (as far as
  the work done allows) the same time whatever was entered;
- a portal session lasts 20 minutes of inactivity, and the victim can end it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.db import transaction

from victimjourney.core import clock
from victimjourney.portal.models import Throttle

CODE_LIFETIME = dt.timedelta(minutes=10)
MAX_CODE_ATTEMPTS = 5
LOCKOUT = dt.timedelta(minutes=15)
CODES_PER_REFERENCE_PER_HOUR = 3
REQUESTS_PER_IP_PER_HOUR = 20
SESSION_IDLE = dt.timedelta(minutes=20)


def keyed_hash(*parts: str) -> str:
    """A hash keyed with the secret key: codes and throttle keys are never stored plain."""
    message = "\x1f".join(parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def throttle_hit(key: str, *, limit: int, window: dt.timedelta) -> bool:
    """Count one attempt against KEY; True if it is over the limit (or locked)."""
    now = clock.now()
    hashed = keyed_hash("throttle", key)
    with transaction.atomic():
        row, _ = Throttle.objects.select_for_update().get_or_create(
            key=hashed, defaults={"window_start": now, "count": 0})
        if row.locked_until and row.locked_until > now:
            return True
        if now - row.window_start > window:
            row.window_start, row.count = now, 0
        row.count += 1
        row.save(update_fields=["window_start", "count"])
        return row.count > limit


def lock(key: str, until: dt.datetime) -> None:
    Throttle.objects.update_or_create(
        key=keyed_hash("throttle", key),
        defaults={"locked_until": until, "window_start": clock.now()})


def is_locked(key: str) -> bool:
    row = Throttle.objects.filter(key=keyed_hash("throttle", key)).first()
    return bool(row and row.locked_until and row.locked_until > clock.now())
