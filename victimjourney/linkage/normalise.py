"""A victim record as the linkage model reads it, and its blocking keys.

The same normalised record feeds the batch linkage (a table handed to Splink) and the
first-contact look-up (keys stored in the database), so the two can never disagree on what a
postcode or a phone number is. Pure functions: no database, no clock.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from victimjourney.linkage.names import (
    name_parts,
    soundex,
    standard_first_names,
    surname_parts,
)

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_POSTCODE_IN_TEXT = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}\b", re.IGNORECASE)
_NOT_POSTCODE = re.compile(r"[^A-Z0-9]")
_NOT_DIGITS = re.compile(r"\D")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_NOT_ADDRESS = re.compile(r"[^a-z0-9]+")
_HOUSE = re.compile(r"\b\d+[a-z]?\b")
_STREET_WORDS = {
    "street": "st", "road": "rd", "avenue": "ave", "lane": "ln", "drive": "dr", "close": "cl",
    "court": "ct", "crescent": "cres", "place": "pl", "gardens": "gdns", "terrace": "ter",
    "grove": "gr", "square": "sq", "park": "pk", "house": "ho", "apartment": "flat",
    "apartments": "flat", "apt": "flat",
}


@dataclass(frozen=True)
class LinkInput:
    """Who a victim is, as recorded: the fields linkage compares."""

    name: str = ""
    date_of_birth: dt.date | None = None
    address: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""

    @classmethod
    def from_victim(cls, *, name: str, date_of_birth: dt.date | None,
                    contact: dict[str, Any] | None) -> LinkInput:
        contact = contact or {}
        return cls(name=name or "", date_of_birth=date_of_birth,
                   address=str(contact.get("address") or ""),
                   postcode=str(contact.get("postcode") or ""),
                   phone=str(contact.get("phone") or contact.get("mobile") or ""),
                   email=str(contact.get("email") or ""))


@dataclass(frozen=True)
class Normalised:
    """The compared fields: lower-case names, ISO dates, "ME1 1AA" postcodes, national phone
    numbers. An empty string means not recorded."""

    first_name: str
    first_std: tuple[str, ...]
    fi: str  # the initial of the first standard form of the first name
    surname: str
    surname_parts: tuple[str, ...]
    surname_sx: str
    dob: str
    birth_year: str
    postcode: str
    address: str
    house: str
    phone: str
    email: str

    def as_row(self) -> dict[str, Any]:
        """The record as a Splink input row (empty strings and lists become nulls)."""
        return {name: (value or None) if not isinstance(value, tuple) else (list(value) or None)
                for name, value in self.__dict__.items()}


def postcode_normalise(text: str) -> str:
    compact = _NOT_POSTCODE.sub("", (text or "").upper())
    match = _POSTCODE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else compact


def phone_normalise(text: str) -> str:
    digits = _NOT_DIGITS.sub("", text or "")
    if digits.startswith("0044"):
        digits = "0" + digits[4:]
    elif digits.startswith("44") and len(digits) == 12:
        digits = "0" + digits[2:]
    return digits if len(digits) >= 10 else ""


def email_normalise(text: str) -> str:
    text = (text or "").strip().lower()
    return text if _EMAIL.fullmatch(text) else ""


def address_normalise(text: str) -> str:
    """The address: lower case, the postcode removed, street words abbreviated."""
    text = (text or "").lower()
    if any(c.isdigit() for c in text[-4:]):  # a postcode at the end
        text = _POSTCODE_IN_TEXT.sub(" ", text)
    words = _NOT_ADDRESS.sub(" ", text).split()
    return " ".join(_STREET_WORDS.get(w, w) for w in words)


def house_numbers(address: str) -> str:
    """The numbers of a normalised address ("flat 2 12 high st" → "2 12"): with the postcode,
    they say which home it is however the street is written."""
    return " ".join(_HOUSE.findall(address))


def normalise(record: LinkInput) -> Normalised:
    first, surname = name_parts(record.name)
    std = tuple(standard_first_names(first))
    postcode = postcode_normalise(record.postcode)
    if not postcode:  # a postcode written into the address
        found = _POSTCODE_IN_TEXT.search(record.address or "")
        postcode = postcode_normalise(found.group(0)) if found else ""
    dob = record.date_of_birth.isoformat() if record.date_of_birth else ""
    address = address_normalise(record.address)
    return Normalised(
        first_name=first, first_std=std, fi=std[0][:1] if std else "",
        surname=surname, surname_parts=tuple(surname_parts(surname)),
        surname_sx=soundex(surname), dob=dob, birth_year=dob[:4],
        postcode=postcode, address=address, house=house_numbers(address),
        phone=phone_normalise(record.phone), email=email_normalise(record.email),
    )


# Blocking: the pairs the model compares are those agreeing on at least one of these keys
# (Splink's blocking rules are made from the same list, `splinkmodel.blocking_rules`). Each
# catches what the others miss: a new surname (dob_fi), a first name written differently
# (dob_sx), a mistyped date of birth (name_yob), no date of birth (pc_fi), a new name and
# address (phone, email).
BLOCKING_KEYS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("dob_fi", ("dob", "fi")),
    ("dob_sx", ("dob", "surname_sx")),
    ("name_yob", ("fi", "surname_sx", "birth_year")),
    ("pc_fi", ("postcode", "fi")),
    ("phone", ("phone",)),
    ("email", ("email",)),
)


def blocking_keys(record: Normalised) -> list[str]:
    """The record's blocking keys, e.g. "dob_fi:1990-02-01|r"; a key with a part missing is
    left out, as Splink leaves out nulls."""
    keys = []
    for name, columns in BLOCKING_KEYS:
        values = [getattr(record, column) for column in columns]
        if all(values):
            keys.append(f"{name}:{'|'.join(values)}")
    return keys
