"""Which channels may carry a notice to a victim, in which order: pure functions of the
victim's contact record and the flags in force.

The victim's contact record (`Victim.contact`, from `victim.identified`) is read as:
  email, phone, address (text, lines separated by new lines or commas, or a list of lines);
  preferred (or preferred_channel): email, sms, letter, portal or phone;
  phone_unsafe / email_unsafe: the number or address must never be used (for example the
    suspect has access to it);
  address_shared_with_suspect (or address_unsafe): never send a letter there;
  safe_channels: the channels confirmed safe, when the `safe_contact` flag is in force;
  portal: true once the victim uses the portal.
Flags (`flag.set` / `flag.cleared`): `do_not_send_letters` stops letters; `safe_contact`
allows only the channels listed in safe_channels; `interpreter` sends the notice to a person
(a phone task), because automatic notices are only in English and Welsh.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from victimjourney.notifications.kinds import ALL_CHANNELS, DEFAULT_ORDER, NoticeKind


class FlagEvent(Protocol):
    @property
    def type(self) -> str: ...
    @property
    def victim(self) -> str | None: ...
    @property
    def occurred_at(self) -> dt.datetime: ...
    @property
    def id(self) -> str: ...
    @property
    def data(self) -> dict[str, Any]: ...


def flags_in_force(events: Iterable[FlagEvent], victim_key: str) -> set[str]:
    """The flags set on VICTIM_KEY and not cleared since (events already corrected)."""
    flags: set[str] = set()
    changes = [e for e in events if e.type in ("flag.set", "flag.cleared")
               and e.victim == victim_key]
    for event in sorted(changes, key=lambda e: (e.occurred_at, e.id)):
        flag = str(event.data.get("flag", ""))
        if event.type == "flag.set":
            flags.add(flag)
        else:
            flags.discard(flag)
    return flags


def _yes(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "y")
    return bool(value)


def address_lines(contact: Mapping[str, Any]) -> list[str]:
    value = contact.get("address")
    if isinstance(value, list | tuple):
        parts = [str(p) for p in value]
    elif isinstance(value, str):
        parts = re.split(r"[\n,]", value)
    else:
        parts = []
    return [p.strip() for p in parts if p and p.strip()]


def preferred(contact: Mapping[str, Any]) -> str | None:
    value = contact.get("preferred") or contact.get("preferred_channel")
    if isinstance(value, str) and value.strip().lower() in ALL_CHANNELS:
        return value.strip().lower()
    return None


def refusal(channel: str, contact: Mapping[str, Any], flags: set[str],
            kind: NoticeKind) -> str:
    """Why CHANNEL may not carry this notice ('' when it may)."""
    if channel not in kind.channels:
        return f"a {kind.code.replace('_', ' ')} is not sent by {channel}"
    if channel == "phone":
        return ""
    if "interpreter" in flags:
        return "an interpreter is needed: a person must make contact"
    if "safe_contact" in flags:
        safe = contact.get("safe_channels") or ()
        if channel not in safe:
            return f"safe contact only, and {channel} is not confirmed safe"
    if channel == "email":
        if not contact.get("email"):
            return "no email address"
        if _yes(contact.get("email_unsafe")):
            return "the email address is marked unsafe"
    elif channel == "sms":
        if not contact.get("phone"):
            return "no phone number"
        if _yes(contact.get("phone_unsafe")) or contact.get("phone_safe") is False:
            return "the phone number is marked unsafe"
    elif channel == "letter":
        if "do_not_send_letters" in flags:
            return "do not send letters (flag)"
        if _yes(contact.get("address_shared_with_suspect")) or _yes(
                contact.get("address_unsafe")):
            return "the address is shared with the suspect"
        if not address_lines(contact):
            return "no postal address"
    elif channel == "portal" and not _yes(contact.get("portal")) and preferred(
            contact) != "portal":
        return "the victim does not use the portal"
    return ""


def channel_order(contact: Mapping[str, Any], flags: set[str], kind: NoticeKind) -> list[str]:
    """The channels to try, best first: the victim's preference, then the default order, then
    a phone call by a person (where the kind allows it). Only channels allowed now."""
    wanted = [c for c in (preferred(contact), *DEFAULT_ORDER, "phone") if c]
    out: list[str] = []
    for channel in wanted:
        if channel not in out and not refusal(channel, contact, flags, kind):
            out.append(channel)
    return out


def next_channel(contact: Mapping[str, Any], flags: set[str], kind: NoticeKind,
                 tried: Iterable[str]) -> str | None:
    done = set(tried)
    return next((c for c in channel_order(contact, flags, kind) if c not in done), None)


def retry_delay(attempts: int, *, base: float, cap: float,
                rng: random.Random | None = None) -> dt.timedelta:
    """Exponential backoff with jitter: attempt n waits between half and all of
    min(cap, base x 2^(n-1)) seconds, so workers retrying together spread out."""
    ceiling = min(cap, base * 2 ** max(attempts - 1, 0))
    spread = (rng or random).uniform(0.5, 1.0)  # jitter, not cryptography
    return dt.timedelta(seconds=ceiling * spread)
