"""Parsing and validation of the journey event feed (JSON Lines), without a database.

`parse_line` checks one line against the catalogue; `check_batch` checks what a line cannot
know alone (victims on the case, referenced events, reused ids). Errors name the line and the
field. Organisation codes are checked against a set the caller supplies: an unknown code is an
error, never a new organisation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from victimjourney.core.errors import FeedError
from victimjourney.journey.catalogue import EVENT_TYPES, TOP_LEVEL_FIELDS, Field

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_ID = 200
# Instants must fall within the working-day calendar (core/workingdays.py).
FIRST_YEAR, LAST_YEAR = 1990, 2044


@dataclass(frozen=True, slots=True)
class JourneyEvent:
    id: str
    type: str
    case: str
    provider: str
    occurred_at: dt.datetime
    received_at: dt.datetime
    victim: str | None
    data: dict[str, Any]
    digest: str
    line: int = 0

    def as_feed(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id, "type": self.type, "case": self.case, "provider": self.provider,
            "occurred_at": self.occurred_at.isoformat(),
            "received_at": self.received_at.isoformat(),
        }
        if self.victim is not None:
            out["victim"] = self.victim
        out["data"] = self.data
        return out


def event_digest(
    *, type: str, case: str, provider: str, occurred_at: dt.datetime,
    received_at: dt.datetime, victim: str | None, data: dict[str, Any],
) -> str:
    """A hash of an event's content, so a re-sent id can be told from a reused one.

    Instants are compared as instants (the same moment written with another offset is the same
    content), and `received_at` left out equals `received_at` given as `occurred_at`.
    """
    content = [type, case, provider, occurred_at.timestamp(), received_at.timestamp(), victim,
               data]
    try:
        canonical = orjson.dumps(content, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # integers beyond 64 bits: rare, and slower
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"),
                               ensure_ascii=False).encode()
    return hashlib.sha256(canonical).hexdigest()


def _instant(value: Any, line: int, name: str, event_id: str | None) -> dt.datetime:
    if not isinstance(value, str):
        raise FeedError(line, name, f"expected an ISO 8601 instant string, got {value!r}", event_id)
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise FeedError(line, name, f"not an ISO 8601 instant: {value!r}", event_id) from None
    if parsed.tzinfo is None:
        raise FeedError(line, name, f"{value!r} has no UTC offset (write e.g. +00:00)", event_id)
    try:
        utc_year = parsed.astimezone(dt.UTC).year
    except OverflowError:
        utc_year = 0
    if not FIRST_YEAR <= utc_year <= LAST_YEAR:
        raise FeedError(line, name, f"{value!r} is outside the years this service handles "
                        f"({FIRST_YEAR}-{LAST_YEAR})", event_id)
    return parsed


def _check_field(value: Any, spec: Field, line: int, name: str, eid: str | None,
                 orgs: Collection[str]) -> None:
    kind = spec.kind
    if kind in ("str", "victim_ref", "event_ref"):
        if not isinstance(value, str) or not value:
            raise FeedError(line, name, f"expected a non-empty string, got {value!r}", eid)
    elif kind == "org_ref":
        if not isinstance(value, str):
            raise FeedError(line, name, f"expected an organisation code, got {value!r}", eid)
        if value not in orgs:
            raise FeedError(line, name, f"unknown organisation code {value!r}", eid)
    elif kind == "bool":
        if not isinstance(value, bool):
            raise FeedError(line, name, f"expected true or false, got {value!r}", eid)
    elif kind == "int":
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise FeedError(line, name, f"expected a whole number of 0 or more, got {value!r}", eid)
    elif kind == "date":
        ok = isinstance(value, str) and _DATE_RE.match(value)
        if ok:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                ok = None
        if not ok:
            raise FeedError(line, name, f"expected a date YYYY-MM-DD, got {value!r}", eid)
    elif kind == "datetime":
        _instant(value, line, name, eid)
    elif kind == "enum":
        if value not in spec.choices:
            raise FeedError(
                line, name, f"{value!r} is not one of {', '.join(spec.choices)}", eid
            )
    elif kind == "list":
        if not isinstance(value, list):
            raise FeedError(line, name, f"expected a list, got {value!r}", eid)
        for i, item in enumerate(value):
            if spec.items == "enum":
                if item not in spec.choices:
                    raise FeedError(line, f"{name}[{i}]",
                                    f"{item!r} is not one of {', '.join(spec.choices)}", eid)
            elif not isinstance(item, str):
                raise FeedError(line, f"{name}[{i}]", f"expected a string, got {item!r}", eid)
    elif kind == "object" and not isinstance(value, dict):
        raise FeedError(line, name, f"expected an object, got {value!r}", eid)


def parse_event(raw: Any, line: int, orgs: Collection[str]) -> JourneyEvent:
    """Validate one decoded feed object and return the event. Raises FeedError."""
    if not isinstance(raw, dict):
        raise FeedError(line, "(line)", "expected a JSON object")
    eid = raw.get("id")
    eid_s = eid if isinstance(eid, str) else None
    for key in raw:
        if key not in TOP_LEVEL_FIELDS:
            raise FeedError(line, key, "unknown field (allowed: " + ", ".join(TOP_LEVEL_FIELDS)
                            + ")", eid_s)
    for key in ("id", "type", "case", "provider", "occurred_at"):
        if key not in raw:
            raise FeedError(line, key, "required field is missing", eid_s)
    if not isinstance(eid, str) or not eid or len(eid) > MAX_ID:
        raise FeedError(line, "id", f"expected a non-empty string of at most {MAX_ID} characters")
    etype = raw["type"]
    spec = EVENT_TYPES.get(etype) if isinstance(etype, str) else None
    if spec is None:
        raise FeedError(line, "type", f"unknown event type {etype!r}", eid)
    case = raw["case"]
    if not isinstance(case, str) or not case.strip() or len(case) > 100:
        raise FeedError(line, "case", f"expected a case reference string, got {case!r}", eid)
    provider = raw["provider"]
    if not isinstance(provider, str):
        raise FeedError(line, "provider", f"expected an organisation code, got {provider!r}", eid)
    if provider not in orgs:
        raise FeedError(line, "provider", f"unknown organisation code {provider!r}", eid)
    occurred = _instant(raw["occurred_at"], line, "occurred_at", eid)
    received_raw = raw.get("received_at")
    received = occurred if received_raw is None else _instant(
        received_raw, line, "received_at", eid)
    if received < occurred:
        raise FeedError(
            line, "received_at",
            f"{received_raw} is before occurred_at {raw['occurred_at']}", eid,
        )
    victim = raw.get("victim")
    if victim is not None and (not isinstance(victim, str) or not victim or len(victim) > 100):
        raise FeedError(line, "victim", f"expected a victim key string, got {victim!r}", eid)
    if spec.victim_specific and victim is None:
        raise FeedError(line, "victim", f"{etype} must name the victim it concerns", eid)
    data = raw.get("data", {})
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FeedError(line, "data", f"expected an object, got {data!r}", eid)
    for name, fspec in spec.fields.items():
        if name in data and data[name] is not None:
            _check_field(data[name], fspec, line, f"data.{name}", eid, orgs)
        elif fspec.required:
            raise FeedError(line, f"data.{name}", f"required for {etype}", eid)
    digest = event_digest(type=etype, case=case, provider=provider, occurred_at=occurred,
                          received_at=received, victim=victim, data=data)
    return JourneyEvent(eid, etype, case, provider, occurred, received, victim, data, digest, line)


def _unstorable(value: Any, path: str) -> tuple[str, str] | None:
    """The path of the first key or string holding a NUL character or an unpaired surrogate
    (which JSON can spell but a database cannot store), and which of the two."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return where, "a NUL character (\\u0000)"
            if any("\ud800" <= ch <= "\udfff" for ch in item):
                return where, "an unpaired surrogate (\\ud800-\\udfff)"
        elif isinstance(item, dict):
            for key, inner in reversed(item.items()):
                name = key.encode("unicode_escape").decode() if isinstance(key, str) else key
                at = f"{where}.{name}" if where else str(name)
                stack.append((inner, at))
                stack.append((key, at))
        elif isinstance(item, list):
            stack.extend((inner, f"{where}[{i}]") for i, inner in reversed(list(enumerate(item))))
    return None


def _unstorable_error(raw: Any, number: int) -> FeedError | None:
    found = _unstorable(raw, "")
    if found is None:
        return None
    eid = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
    if eid is not None and _unstorable(eid, "") is not None:
        eid = None
    return FeedError(number, found[0] or "(line)",
                     f"contains {found[1]}, which cannot be stored", eid)


def _decode(text: str, number: int) -> Any:
    """The line's JSON value. Raises FeedError naming the line, and the field when the JSON is
    well formed but holds what cannot be stored (orjson refuses unpaired surrogates: the
    standard library's parser, which accepts them, finds where)."""
    try:
        raw = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        if "surrogate" in exc.msg:
            try:
                error = _unstorable_error(json.loads(text), number)
            except ValueError:
                error = None
            if error is not None:
                raise error from None
        raise FeedError(number, "(line)", f"not valid JSON: {exc.msg}") from None
    if "\\u0000" in text:  # only spelt as an escape (a raw NUL is not valid JSON)
        error = _unstorable_error(raw, number)
        if error is not None:
            raise error
    return raw


def parse_lines(
    lines: Iterable[str], orgs: Collection[str], errors: list[FeedError],
    start_line: int = 1,
) -> Iterator[JourneyEvent]:
    """Yield the valid events of a JSON Lines stream; invalid lines are appended to ERRORS."""
    for number, text in enumerate(lines, start=start_line):
        if not text.strip():
            continue
        try:
            raw = _decode(text, number)
        except FeedError as exc:
            errors.append(exc)
            continue
        try:
            yield parse_event(raw, number, orgs)
        except FeedError as exc:
            errors.append(exc)


# Fields of a payload that name another event of the same case.
REF_FIELDS = {
    name: [f for f, spec in t.fields.items() if spec.kind == "event_ref"]
    for name, t in EVENT_TYPES.items()
}
VICTIM_REF_FIELDS = {
    name: [f for f, spec in t.fields.items() if spec.kind == "victim_ref"]
    for name, t in EVENT_TYPES.items()
}


def check_batch(
    events: list[JourneyEvent],
    *,
    known_victims: Callable[[str], Collection[str]] = lambda case: (),
    known_events: Callable[[str], Collection[str]] = lambda case: (),
) -> list[FeedError]:
    """What one line cannot check alone, over a batch (plus what is already stored).

    - one id used twice in the batch with different content;
    - a victim named by an event but never identified on that case;
    - an event reference (answers, complaint, request, corrects, ...) to an event not on the case.
    """
    errors: list[FeedError] = []
    seen: dict[str, JourneyEvent] = {}
    victims: dict[str, set[str]] = {}
    ids_by_case: dict[str, set[str]] = {}
    for ev in events:
        first = seen.get(ev.id)
        if first is not None and first.digest != ev.digest:
            errors.append(FeedError(ev.line, "id", f"id {ev.id!r} was used on line {first.line} "
                                    "with other content", ev.id))
            continue
        seen.setdefault(ev.id, ev)
        ids_by_case.setdefault(ev.case, set()).add(ev.id)
        if ev.type == "victim.identified" and ev.victim:
            victims.setdefault(ev.case, set()).add(ev.victim)
    stored_victims: dict[str, Collection[str]] = {}
    stored_events: dict[str, Collection[str]] = {}
    for ev in events:
        if (ev.victim is not None and ev.type != "victim.identified"
                and ev.victim not in victims.get(ev.case, ())):
            if ev.case not in stored_victims:
                stored_victims[ev.case] = known_victims(ev.case)
            if ev.victim not in stored_victims[ev.case]:
                errors.append(FeedError(
                    ev.line, "victim",
                    f"victim {ev.victim!r} is not on case {ev.case!r} "
                    "(no victim.identified for it)", ev.id))
        for name in VICTIM_REF_FIELDS[ev.type]:
            ref = ev.data.get(name)
            if ref is not None and ref not in victims.get(ev.case, ()):
                if ev.case not in stored_victims:
                    stored_victims[ev.case] = known_victims(ev.case)
                if ref not in stored_victims[ev.case]:
                    errors.append(FeedError(ev.line, f"data.{name}",
                                            f"victim {ref!r} is not on case {ev.case!r}", ev.id))
        for name in REF_FIELDS[ev.type]:
            ref = ev.data.get(name)
            if ref is None or ref in ids_by_case.get(ev.case, ()):
                continue
            if ev.case not in stored_events:
                stored_events[ev.case] = known_events(ev.case)
            if ref not in stored_events[ev.case]:
                errors.append(FeedError(ev.line, f"data.{name}",
                                        f"event {ref!r} is not on case {ev.case!r}", ev.id))
    return errors
