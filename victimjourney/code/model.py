"""The shape of the Victims' Code as data: editions and entitlements.

An entitlement is typed data: who owes it, what starts it, who is eligible, what must be done,
by when (for enhanced-entitlement victims and for the others), what evidence fulfils it, and
where it comes from (citation and provenance tag from `shared/spec/victims-code.md` §0).
Evaluation lives in `duties/engine.py` and is a pure function of case facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from django.utils.translation import gettext, gettext_noop, ngettext

# Deadline wordings used as data, extracted for translation.
DEADLINE_WORDS = (
    gettext_noop("without unnecessary delay"),
    gettext_noop("timely"),
    gettext_noop("as soon as possible"),
    gettext_noop("before sentence"),
    gettext_noop("before the trial"),
    gettext_noop("before the release decision"),
    gettext_noop("on the day of the trial, where possible"),
    gettext_noop("without unreasonable delay"),
    gettext_noop("on request"),
    gettext_noop("without unjustified delay"),
    gettext_noop("very early following sentence"),
    gettext_noop("with the witness statement"),
    gettext_noop("before the decision"),
    gettext_noop("no time stated"),
)

ProviderKind = Literal["police", "cps", "wcu", "court", "probation", "yot", "any"]
DeadlineKind = Literal["working_days", "calendar_days", "before_event", "none"]
Clock = Literal["occurred", "received"]
Provenance = Literal["P", "O", "S", "I", "UNVERIFIED"]


@dataclass(frozen=True)
class Deadline:
    """When a duty falls due.

    - working_days: the end of the Nth working day after the local date of the trigger
      (`clock="occurred"`) or of its receipt by the provider (`clock="received"`);
    - calendar_days: the end of the Nth calendar day after (0: the same day);
    - before_event: before the first later event of one of `before` types (e.g. "before the
      decision"); open with no date until then;
    - none: the Code states no time; the duty is open until fulfilled, and never late.
    """

    kind: DeadlineKind
    days: int = 0
    clock: Clock = "occurred"
    before: tuple[str, ...] = ()
    text: str = ""  # the Code's own words where they matter ("without unnecessary delay")

    def describe(self) -> str:
        """The deadline in words, in English: what the engine stores (language-neutral)."""
        if self.kind == "working_days":
            unit = "working day" if self.days == 1 else "working days"
            start = "of receiving the information" if self.clock == "received" else ""
            return " ".join(p for p in (f"{self.days} {unit}", start) if p)
        if self.kind == "calendar_days":
            if self.days == 0:
                return "the same day"
            return f"{self.days} calendar day" + ("" if self.days == 1 else "s")
        if self.kind == "before_event":
            return self.text or "before the decision"
        return self.text or "no time stated"

    def describe_translated(self) -> str:
        """The deadline in words, in the active language (for pages and letters)."""
        if self.kind == "working_days":
            if self.clock == "received":
                return ngettext("%(n)d working day of receiving the information",
                                "%(n)d working days of receiving the information",
                                self.days) % {"n": self.days}
            return ngettext("%(n)d working day", "%(n)d working days",
                            self.days) % {"n": self.days}
        if self.kind == "calendar_days":
            if self.days == 0:
                return gettext("the same day")
            return ngettext("%(n)d calendar day", "%(n)d calendar days",
                            self.days) % {"n": self.days}
        if self.kind == "before_event":
            return gettext(self.text or "before the decision")
        return gettext(self.text or "no time stated")


def wd(days: int, clock: Clock = "occurred") -> Deadline:
    return Deadline("working_days", days, clock)


def before(*types: str, text: str = "before the decision") -> Deadline:
    return Deadline("before_event", before=types, text=text)


def untimed(text: str = "") -> Deadline:
    return Deadline("none", text=text)


@dataclass(frozen=True)
class Condition:
    """A test on the triggering event's data (`field` op `value`)."""

    field: str
    op: Literal["in", "eq", "gte", "true"]
    value: tuple[str, ...] | str | int | bool = True

    def holds(self, data: dict) -> bool:
        actual = data.get(self.field)
        if self.op == "true":
            return actual is True
        if self.op == "eq":
            return actual == self.value
        if self.op == "in":
            return actual in self.value  # type: ignore[operator]
        if self.op == "gte":
            return isinstance(actual, int) and actual >= self.value  # type: ignore[operator]
        raise ValueError(self.op)


@dataclass(frozen=True)
class Trigger:
    event_type: str
    when: tuple[Condition, ...] = ()  # all must hold
    any_of: tuple[Condition, ...] = ()  # at least one must hold, if given


@dataclass(frozen=True)
class Eligibility:
    """Who, among the victims an event concerns, is owed the entitlement."""

    kinds: tuple[str, ...] = ("person", "bereaved_close_relative", "parent_or_guardian",
                              "family_spokesperson")
    categories: tuple[str, ...] = ()  # at least one in force at the trigger (empty: anyone)
    case_flags: tuple[str, ...] = ()  # at least one fact about the crime (empty: any crime)
    vcs_opted_in: bool = False  # only victims who joined the Victim Contact Scheme


@dataclass(frozen=True)
class Evidence:
    """What fulfils a duty.

    `contact`: a `contact.made` whose `answers` is the trigger (narrowed by its
    `entitlements` list when given). `event_types`: events that are the service itself, for the
    same victim (or all victims), at or after the trigger; `ref_field`, when set, must name the
    trigger (e.g. `complaint.responded` with `complaint` = the complaint's id).
    """

    contact: bool = True
    event_types: tuple[str, ...] = ()
    ref_field: str | None = None


@dataclass(frozen=True)
class Entitlement:
    id: str
    edition: str
    title: str
    stage: int
    provider: ProviderKind
    triggers: tuple[Trigger, ...]
    action: str  # what must be done, as an instruction ("Tell the victim ...")
    enhanced: Deadline
    standard: Deadline
    citation: str
    provenance: tuple[Provenance, ...]
    eligibility: Eligibility = field(default_factory=Eligibility)
    evidence: Evidence = field(default_factory=Evidence)
    # Events that make an open duty not applicable (the victim declined or opted out).
    declined_by: tuple[str, ...] = ()
    right: str = ""  # 2020 Code Right, e.g. "6"
    notes: str = ""
    duty: bool = True  # False: a standing right with nothing to evidence (shown, not tracked)

    @property
    def unverified(self) -> bool:
        return "UNVERIFIED" in self.provenance


@dataclass(frozen=True)
class Edition:
    id: str
    title: str
    in_force_from: dt.date
    instrument: str
    entitlements: tuple[Entitlement, ...]

    def by_id(self) -> Mapping[str, Entitlement]:
        """The entitlements by id (built once per edition; read-only)."""
        found = self.__dict__.get("_by_id")
        if found is None:
            found = MappingProxyType({e.id: e for e in self.entitlements})
            object.__setattr__(self, "_by_id", found)  # a cache, not state: frozen stays true
        return found
