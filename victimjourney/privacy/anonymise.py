"""Anonymising a case's records: what goes and what stays (pure: no database, no clock).

What stays is what the compliance figures and the duty engine read: event types and instants,
enumerations, flags, numbers, references to events, organisations and victims (the victim's key
within the case, e.g. V1), the offence and the disposal. What goes:

- names and contact details (a victim's `name`; the `contact` object keeps only the preferred
  channel; `email`, `phone`, `safe_contact` and `contact_times` are removed). A victim without
  a name or contact details gives the repeat-victim linkage nothing to block on, so an
  anonymised victim is never proposed as a match;
- every other free-text field (replaced by "[anonymised]", so a required field is still
  present); yes/no answers of a questionnaire stay, other answers go;
- a date of birth becomes 1 January of the birth year, moved (within the year) only as far as
  needed to keep the victim's age under 18 or not on every date of the case: 18 is the only
  age the Code's rules and the inspection findings use.

Anonymising twice gives the same result (idempotent).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from victimjourney.core.clock import local_date
from victimjourney.journey.catalogue import EVENT_TYPES, Field

ANON = "[anonymised]"
# Free-text fields kept: facts the figures and the engine need, never about a person.
KEEP_TEXT = frozenset({"offence", "offence_group", "crime_reference", "disposal", "entitlement",
                       "service", "kind", "language"})
KEEP_TEXT_LISTS = frozenset({"charges", "measures", "entitlements"})
# Names and contact details, removed outright.
CONTACT_FIELDS = frozenset({"name", "email", "phone", "safe_contact", "contact_times"})
KEEP_CONTACT = frozenset({"channel", "sms_unsafe", "language"})
KEEP_ANSWERS = frozenset({"yes", "no", ""})
ADULT_AGE = 18


def _text(value: Any) -> Any:
    return ANON if isinstance(value, str) and value else value


def _generic(value: Any) -> Any:
    """A value the catalogue does not describe: text goes, structure and numbers stay."""
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, list):
        return [_generic(v) for v in value]
    if isinstance(value, dict):
        return {k: _generic(v) for k, v in value.items() if k not in CONTACT_FIELDS}
    return value


def contact_anonymise(contact: Mapping[str, Any] | None) -> dict[str, Any]:
    """A contact object with only the channel preferences left."""
    return {k: v for k, v in (contact or {}).items() if k in KEEP_CONTACT}


def answers_anonymise(answers: Any) -> Any:
    if not isinstance(answers, dict):
        return _generic(answers)
    return {k: (v if not isinstance(v, str) or v.strip().lower() in KEEP_ANSWERS else ANON)
            for k, v in answers.items()}


def case_days(events: Iterable[tuple[dt.datetime, Mapping[str, Any]]]) -> set[dt.date]:
    """The local dates of a case on which a victim's age can matter: each event's date, and
    every offence date and replaced instant in the payloads."""
    days: set[dt.date] = set()
    for occurred_at, data in events:
        days.add(local_date(occurred_at))
        for payload in (data, (data.get("replacement") or {}).get("data") or {}):
            if isinstance(payload, dict) and isinstance(payload.get("offence_date"), str):
                with contextlib.suppress(ValueError):
                    days.add(dt.date.fromisoformat(payload["offence_date"]))
        replacement = data.get("replacement") or {}
        if isinstance(replacement, dict) and isinstance(replacement.get("occurred_at"), str):
            with contextlib.suppress(ValueError):
                days.add(local_date(dt.datetime.fromisoformat(replacement["occurred_at"])))
    return days


def _next_date_after(cutoff: tuple[int, int, int]) -> tuple[int, int, int]:
    """The first real date after a (year, month, day) cutoff (29 February of a common year
    is not a date)."""
    year, month, day = cutoff
    try:
        following = dt.date(year, month, day) + dt.timedelta(days=1)
    except ValueError:  # 29 February in a common year
        following = dt.date(year, 3, 1)
    return following.year, following.month, following.day


def birth_generalise(born: dt.date, days: Iterable[dt.date]) -> dt.date:
    """1 January of the birth year, moved later only as far as needed for the person to be
    under 18 (or not) on each of DAYS exactly as with BORN.

    Under 18 on D means born after the cutoff (D.year - 18, D.month, D.day); both dates lie on
    the same side of every cutoff when the general date is after the last cutoff before BORN.
    """
    key = (born.year, born.month, born.day)
    cutoffs = sorted({(d.year - ADULT_AGE, d.month, d.day) for d in days})
    general = (born.year, 1, 1)
    before = [c for c in cutoffs if c < key]
    if before and general <= before[-1]:
        general = _next_date_after(before[-1])
    return dt.date(*general)


def _dob(value: Any, days: set[dt.date]) -> Any:
    if not isinstance(value, str) or not value:
        return value
    try:
        return birth_generalise(dt.date.fromisoformat(value), days).isoformat()
    except ValueError:
        return ANON


def _field(name: str, spec: Field | None, value: Any, days: set[dt.date],
           target_type: str | None) -> tuple[bool, Any]:
    """(keep the key?, new value)."""
    if name in CONTACT_FIELDS:
        return False, None
    if spec is None:
        return True, _generic(value)
    if name == "date_of_birth":
        return True, _dob(value, days)
    if name == "contact":
        return True, contact_anonymise(value if isinstance(value, dict) else {})
    if name == "answers" and spec.kind == "object":
        return True, answers_anonymise(value)
    if name == "replacement":
        return True, _replacement(value, days, target_type)
    if spec.kind == "str":
        return True, value if name in KEEP_TEXT else _text(value)
    if spec.kind == "list":
        if spec.items == "enum" or name in KEEP_TEXT_LISTS or not isinstance(value, list):
            return True, value
        return True, [_generic(v) for v in value]
    if spec.kind == "object":
        return True, _generic(value)
    return True, value  # enumerations, flags, numbers, dates, instants, references


def _replacement(value: Any, days: set[dt.date], target_type: str | None) -> Any:
    if not isinstance(value, dict):
        return _generic(value)
    out = dict(value)
    if isinstance(value.get("data"), dict):
        out["data"] = (payload_anonymise(target_type, value["data"], days=days)
                       if target_type else _generic(value["data"]))
    return out


def payload_anonymise(event_type: str, data: Mapping[str, Any], *, days: set[dt.date],
                      target_type: str | None = None) -> dict[str, Any]:
    """An event's payload with its personal data removed (see the module docstring).
    TARGET_TYPE: for a correction, the type of the event it corrects."""
    spec = EVENT_TYPES.get(event_type)
    fields = spec.fields if spec else {}
    out: dict[str, Any] = {}
    for name, value in data.items():
        keep, new = _field(name, fields.get(name), value, days, target_type)
        if keep:
            out[name] = new
    return out


def text_anonymise(value: str, originals: Iterable[str]) -> str:
    """VALUE with each of ORIGINALS (texts removed from the payloads: recorded reasons, the
    names of who confirmed them) replaced, as the duty engine quotes them in a duty's basis."""
    for original in sorted({o for o in originals if o and o != ANON}, key=len, reverse=True):
        value = value.replace(f": {original}", f": {ANON}").replace(
            f"confirmed by {original}", f"confirmed by {ANON}")
    return value
