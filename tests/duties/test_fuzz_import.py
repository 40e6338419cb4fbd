"""Broken feeds thrown at the importer (hypothesis): every one is refused with errors naming the
line and the field, and nothing is applied."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.helpers import raw
from victimjourney.cases.models import Case
from victimjourney.core import clock
from victimjourney.core.errors import FeedErrors
from victimjourney.duties.models import Duty
from victimjourney.duties.services import feed_import
from victimjourney.journey.catalogue import EVENT_TYPES
from victimjourney.journey.models import Event, ImportBatch
from victimjourney.victims.models import Victim

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)

BASE = [
    raw("f1", "crime.reported", "2024-03-04 10:00", offence="assault", domestic_abuse=True),
    raw("f2", "victim.identified", "2024-03-04 10:00", victim="V1", kind="person",
        date_of_birth="1990-02-02", contact={"email": "v1@example.invalid"}),
    raw("f3", "suspect.charged", "2024-03-05 16:00"),
    raw("f4", "contact.made", "2024-03-06 11:00", victim="V1", channel="phone", answers="f3"),
]
# Values of the wrong type for each kind of payload field (the catalogue's kinds).
NOT_A_STRING = st.one_of(st.integers(), st.booleans(), st.floats(allow_nan=False),
                         st.lists(st.integers(), max_size=2),
                         st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))
NOT_AN_OBJECT = st.one_of(st.integers(), st.booleans(), st.text(max_size=5),
                          st.lists(st.integers(), max_size=2))


@dataclass
class Broken:
    lines: list[str]
    line: int  # the line that must be reported
    field: str  # the field it must name


def _dump(lines: list[dict]) -> list[str]:
    # ensure_ascii: NUL and unpaired surrogates are written as \u escapes, as a feed would.
    return [json.dumps(line) + "\n" for line in lines]


@st.composite
def broken_feeds(draw: Any) -> Broken:
    lines = json.loads(json.dumps(BASE))
    at = draw(st.integers(0, len(lines) - 1))
    target = lines[at]
    how = draw(st.sampled_from(["garbage", "truncated", "top-level type", "payload type",
                                "unknown code", "unstorable", "duplicate id"]))
    if how == "garbage":
        text = draw(st.text(min_size=1, max_size=40).filter(
            lambda t: t.strip() and "\n" not in t and "\r" not in t))
        out = _dump(lines)
        out[at] = text + "\n"
        return Broken(out, at + 1, "(line)")
    if how == "truncated":
        text = json.dumps(target)
        cut = draw(st.integers(1, len(text) - 1))
        out = _dump(lines)
        out[at] = text[:cut] + "\n"
        return Broken(out, at + 1, "(line)")
    if how == "top-level type":
        name = draw(st.sampled_from(["id", "type", "case", "provider", "occurred_at",
                                     "received_at", "victim", "data"]))
        target[name] = draw(NOT_AN_OBJECT if name == "data" else NOT_A_STRING)
        if name == "data" and isinstance(target["data"], str):
            assume(False)  # not an object either, but checked as such: keep the cases apart
        return Broken(_dump(lines), at + 1, name)
    if how == "payload type":
        spec = EVENT_TYPES[target["type"]]
        names = sorted(n for n, f in spec.fields.items()
                       if f.kind in ("str", "bool", "date", "enum", "event_ref", "org_ref"))
        if not names:  # a type with no such field: its payload is not an object at all
            target["data"] = draw(st.lists(st.integers(), max_size=2))
            return Broken(_dump(lines), at + 1, "data")
        name = draw(st.sampled_from(names))
        kind = spec.fields[name].kind
        wrong = draw(st.one_of(st.integers(), st.lists(st.integers(), max_size=1)) if kind
                     != "bool" else st.sampled_from(["yes", 1, 0, "true"]))
        target["data"][name] = wrong
        return Broken(_dump(lines), at + 1, f"data.{name}")
    if how == "unknown code":
        name = draw(st.sampled_from(["type", "provider"]))
        word = draw(st.from_regex(r"[a-z]{1,8}(\.[a-z]{1,8})?", fullmatch=True))
        target[name] = f"atlantis.{word}" if name == "type" else f"police:atlantis-{word}"
        return Broken(_dump(lines), at + 1, name)
    if how == "unstorable":
        bad = draw(st.sampled_from(["\x00", "\ud800", "\udfff", "a\x00b"]))
        where = draw(st.sampled_from(["id", "case", "data.note"]))
        if where == "data.note":
            target["data"]["note"] = f"x{bad}y"
        else:
            target[where] = target[where] + bad
        return Broken(_dump(lines), at + 1, where)
    changed = dict(target, occurred_at=(dt.datetime.fromisoformat(target["occurred_at"])
                                        + dt.timedelta(minutes=1)).isoformat())
    lines.append(changed)
    return Broken(_dump(lines), len(lines), "id")


def counts() -> tuple[int, ...]:
    return (Event.objects.count(), Case.objects.count(), Victim.objects.count(),
            Duty.objects.count(), ImportBatch.objects.count())


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(feed=broken_feeds())
def test_a_broken_feed_is_refused_naming_line_and_field_and_applies_nothing(feed):
    before = counts()
    with clock.frozen(NOW), pytest.raises(FeedErrors) as caught:
        feed_import(lines=feed.lines, source="fuzz", chunk_lines=2)
    errors = caught.value.errors
    assert all(1 <= e.line <= len(feed.lines) and e.field and e.message for e in errors)
    assert (feed.line, feed.field) in {(e.line, e.field) for e in errors}, errors
    assert counts() == before


def test_the_feed_the_fuzzer_breaks_is_valid():
    with clock.frozen(NOW):
        result = feed_import(lines=_dump(BASE), source="fuzz")
    assert (result.events_new, result.rejected) == (len(BASE), 0)
