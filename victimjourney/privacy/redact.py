"""Redaction of third parties' personal data in a subject access export (pure).

Data Protection Act 2018 Part 3, s.45(4): access may be restricted to protect the rights and
freedoms of others. Concretely, in everything exported:

- the structured identity fields of the subject's own events (name, date of birth, contact
  details, relationship) are theirs and kept;
- the names of staff in payload fields (`officer`, `set_by`, `cleared_by`, `confirmed_by`,
  `sent_by`, `decided_by`) are replaced, unless the value is the subject's own name;
- in any text, the names, dates of birth, addresses, emails and phone numbers known to belong to
  someone else on the case (other victims, staff named in the case), and any email address, UK
  phone number or UK postcode that is not the subject's own, are replaced by
  "[redacted: third party]".

A name the system has never been told about (a suspect's name typed into a note) cannot be
recognised: free text is marked for a person to read before the export is released
(docs/PRIVACY.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from victimjourney.journey.catalogue import EVENT_TYPES

THIRD_PARTY = "[redacted: third party]"
STAFF_FIELDS = frozenset({"officer", "set_by", "cleared_by", "confirmed_by", "sent_by",
                          "decided_by"})
OWN_FIELDS = frozenset({"name", "date_of_birth", "contact", "email", "phone", "safe_contact",
                        "relationship", "contact_times"})
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE_RE = re.compile(r"(?<![\w])(?:\+44\s?|0)(?:\d[\s-]?){9,10}(?![\w])")
POSTCODE_RE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
MIN_NAME_PART = 3
# Payload fields that hold no text about a person: references, codes, flags, numbers, instants.
UNTEXTUAL = frozenset({"event_ref", "org_ref", "victim_ref", "enum", "bool", "int", "date",
                       "datetime"})


def _digits(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return "0" + digits[2:] if digits.startswith("44") else digits


def _postcode(value: str) -> str:
    return re.sub(r"\s", "", value).upper()


@dataclass
class People:
    """What is known about who is who: the subject's own details and everyone else's."""

    own_names: set[str] = field(default_factory=set)
    own_emails: set[str] = field(default_factory=set)
    own_phones: set[str] = field(default_factory=set)
    own_postcodes: set[str] = field(default_factory=set)
    own_texts: set[str] = field(default_factory=set)  # addresses, dates of birth
    other_names: set[str] = field(default_factory=set)
    other_texts: set[str] = field(default_factory=set)  # addresses, dates of birth, ...

    def add_own(self, *, name: str = "", contact: dict | None = None, born: str = "") -> None:
        self._add(name, contact, born, own=True)

    def add_other(self, *, name: str = "", contact: dict | None = None, born: str = "") -> None:
        self._add(name, contact, born, own=False)

    def _add(self, name: str, contact: dict | None, born: str, *, own: bool) -> None:
        if name:
            (self.own_names if own else self.other_names).add(name.strip())
        texts = self.own_texts if own else self.other_texts
        if born:
            texts.add(born)
        for key, value in (contact or {}).items():
            if not isinstance(value, str) or not value.strip():
                continue
            if own and key == "email":
                self.own_emails.add(value.strip().lower())
            elif own and key in ("phone", "mobile"):
                self.own_phones.add(_digits(value))
            elif key in ("address", "postcode", "safe_contact"):
                texts.add(value.strip())
                for code in POSTCODE_RE.findall(value):
                    if own:
                        self.own_postcodes.add(_postcode(code))
            elif not own:
                texts.add(value.strip())


class Redactor:
    def __init__(self, people: People):
        self.people = people
        own_parts = {p.lower() for n in people.own_names for p in re.split(r"\W+", n) if p}
        # Whole names, addresses and dates whatever their case; a single part of a name (a
        # first name or surname alone, not shared with the subject) only as capitalised.
        terms = {n for n in people.other_names if n and n not in people.own_names}
        terms |= {t for t in people.other_texts if t and t not in people.own_texts}
        parts = {part for n in people.other_names for part in re.split(r"\W+", n)
                 if len(part) >= MIN_NAME_PART and part.lower() not in own_parts
                 and part[:1].isupper()}
        self._terms = _alternation(terms, re.IGNORECASE)
        self._parts = _alternation(parts, 0)

    def text(self, value: str) -> str:
        if not value:
            return value
        p = self.people
        value = EMAIL_RE.sub(lambda m: m.group(0) if m.group(0).lower() in p.own_emails
                             else THIRD_PARTY, value)
        value = PHONE_RE.sub(lambda m: m.group(0) if _digits(m.group(0)) in p.own_phones
                             else THIRD_PARTY, value)
        value = POSTCODE_RE.sub(lambda m: m.group(0) if _postcode(m.group(0)) in p.own_postcodes
                                else THIRD_PARTY, value)
        for pattern in (self._terms, self._parts):
            if pattern is not None:
                value = pattern.sub(THIRD_PARTY, value)
        return value

    def staff(self, value: Any) -> Any:
        if isinstance(value, str) and value and value.strip() not in self.people.own_names:
            return THIRD_PARTY
        return value

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return self.payload(value, own=False)
        return value

    def payload(self, data: dict[str, Any], *, own: bool, event_type: str | None = None,
                target_type: str | None = None) -> dict[str, Any]:
        """A payload with third parties' data redacted. OWN: the payload is about the subject
        (one of their events), so its identity fields are theirs. EVENT_TYPE: the catalogue
        says which fields are references or codes (kept as they are); TARGET_TYPE: for a
        correction, the type of the event it corrects."""
        spec = EVENT_TYPES.get(event_type or "")
        out: dict[str, Any] = {}
        for key, value in data.items():
            kind = spec.fields[key].kind if spec and key in spec.fields else None
            if key in STAFF_FIELDS:
                out[key] = self.staff(value)
            elif own and key in OWN_FIELDS:
                out[key] = value
            elif key == "replacement" and isinstance(value, dict):
                out[key] = {k: (self.payload(v, own=own, event_type=target_type)
                                if k == "data" and isinstance(v, dict) else v)
                            for k, v in value.items()}
            elif key in OWN_FIELDS and isinstance(value, str | dict) and value:
                out[key] = THIRD_PARTY
            elif kind in UNTEXTUAL:
                out[key] = value
            else:
                out[key] = self.value(value)
        return out


def _alternation(terms: Iterable[str], flags: int) -> re.Pattern[str] | None:
    ordered = sorted(terms, key=len, reverse=True)
    if not ordered:
        return None
    return re.compile("|".join(rf"(?<!\w){re.escape(t)}(?!\w)" for t in ordered), flags)


def people_names(values: Iterable[Any]) -> set[str]:
    return {v.strip() for v in values if isinstance(v, str) and v.strip()}
