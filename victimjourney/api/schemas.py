"""The API's request and response shapes (its OpenAPI schema is generated from these).

An event is checked only for its JSON types here; what the event feed allows (types, payload
fields, instants, organisations, victims on the case) is checked by `journey.feed`, the same
rules as for a file, so that an event means the same whichever way it arrives.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict

from victimjourney.api.selectors import ENTITLEMENT_TITLES, STATUSES
from victimjourney.journey.catalogue import EVENT_TYPES
from victimjourney.journey.feed import MAX_ID

MAX_BATCH = 1000
SCHEMA_URL = "/schema/event-feed/v1.json"

Status = Literal[STATUSES]  # type: ignore[valid-type]
EntitlementId = Literal[tuple(sorted(ENTITLEMENT_TITLES))]  # type: ignore[valid-type]
NO_NUL = r"^[^\x00]*$"
_TYPE_NAMES: Any = sorted(EVENT_TYPES)


def _iso_date(value: Any) -> Any:
    # Without this, pydantic reads "0" or "1700000000" as a Unix time.
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("expected a date YYYY-MM-DD")
    return value


LocalDate = Annotated[dt.date, BeforeValidator(_iso_date)]


class Paging(Schema):
    page: int = Field(1, ge=1, le=100_000, description="page number, from 1")
    page_size: int = Field(50, ge=1, le=500, description="items a page (at most 500)")


class CaseQuery(Paging):
    reference_prefix: str | None = Field(None, max_length=100, pattern=NO_NUL,
                                         description="references starting with this")
    reported_from: LocalDate | None = Field(
        None, description="reported on or after this local date")
    reported_to: LocalDate | None = Field(
        None, description="reported on or before this local date")


class DutyQuery(Paging):
    status: Status | None = Field(
        None, description="open, met, late, breached or not_applicable")
    entitlement: EntitlementId | None = Field(  # type: ignore[valid-type]
        None, description="an entitlement id (docs/CODE-CATALOGUE.md)")
    due_from: LocalDate | None = Field(None, description="due on or after this local date")
    due_to: LocalDate | None = Field(None, description="due on or before this local date")


class ErrorItem(Schema):
    line: int | None = Field(description="the event's line: 1 for a single event, its position "
                                         "(from 1) in a batch; null when not about an event")
    field: str = Field(description="the field at fault, e.g. `occurred_at`, `data.offence`, "
                                   "`Authorization`, `page`")
    message: str
    event_id: str | None = Field(None, description="the event's id, where it had one")


class ErrorOut(Schema):
    """Every error response of the API has this shape."""

    errors: list[ErrorItem]


class EventIn(Schema):
    """One journey event, as one line of the event feed (`docs/event-feed.schema.json`)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "id": "kent-0001", "type": "suspect.arrested", "case": "KEN/1/26",
        "provider": "police:kent", "occurred_at": "2026-11-24T15:00:00+00:00"}]})

    id: str = Field(min_length=1, max_length=MAX_ID,
                    description="unique: the same event sent again is a no-op; the same id "
                                "with other content is an error")
    type: str = Field(description="an event type of the catalogue (docs/EVENT-TYPES.md)",
                      json_schema_extra={"enum": _TYPE_NAMES})
    case: str = Field(min_length=1, max_length=100,
                      description="the case reference (crime reference number)")
    provider: str = Field(description="the organisation recording it: must be the API key's "
                                      "own organisation, e.g. `police:kent`")
    occurred_at: str = Field(description="ISO 8601 instant with an offset",
                             json_schema_extra={"format": "date-time"})
    received_at: str | None = Field(None, description="when the provider that owes the next "
                                                      "duty learned of it; default occurred_at",
                                    json_schema_extra={"format": "date-time"})
    victim: str | None = Field(None, min_length=1, max_length=100,
                               description="the victim it concerns (its key on the case, e.g. "
                                           "`V1`); absent: every victim on the case")
    data: dict[str, Any] | None = Field(None, description="the type's payload, as in the feed "
                                                          f"schema ({SCHEMA_URL})")

    def as_feed(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class BatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    events: list[EventIn] = Field(min_length=1, max_length=MAX_BATCH,
                                  description=f"at most {MAX_BATCH}; applied whole or not at "
                                              "all")


class ImportOut(Schema):
    batch_id: int = Field(description="the import batch that recorded them")
    events: int = Field(description="events received")
    events_new: int
    events_repeated: int = Field(description="already stored with the same content: no-ops")
    cases_created: int
    duties_written: int = Field(description="duties created, changed or removed")


class CaseSummaryOut(Schema):
    reference: str
    force: str | None
    offence: str
    reported_at: dt.datetime | None
    updated_at: dt.datetime


class CasePageOut(Schema):
    items: list[CaseSummaryOut]
    count: int = Field(description="cases matching, over all pages")
    page: int
    page_size: int


class CategoryOut(Schema):
    category: str
    state: str
    reason: str
    source: str = Field(description="derived (by the Code's rules) or recorded (by a person)")
    confirmed_by: str
    effective_at: dt.datetime


class VictimOut(Schema):
    key: str
    kind: str
    name: str
    date_of_birth: dt.date | None
    language: str
    on_behalf_of: str | None
    identified_at: dt.datetime
    enhanced: bool = Field(description="entitled to the enhanced service now")
    categories: list[CategoryOut] = Field(description="the category history, oldest first")


class DutyOut(Schema):
    id: int
    case: str
    victim: str
    trigger_event: str
    trigger_type: str
    entitlement: str
    title: str
    edition: str
    provider: str
    provider_name: str
    enhanced: bool
    due_date: dt.date | None = Field(description="local date (Europe/London)")
    due_at: dt.datetime | None
    status: Status
    fulfilled_by: str | None
    fulfilled_at: dt.datetime | None
    reason: str | None
    unverified: bool
    explanation: str = Field(description="the duty in plain English, with its legal source")


class DutyPageOut(Schema):
    items: list[DutyOut]
    count: int
    page: int
    page_size: int


class EventOut(Schema):
    id: str
    type: str
    provider: str
    occurred_at: dt.datetime
    received_at: dt.datetime
    victim: str | None
    data: dict[str, Any]
    recorded_at: dt.datetime
    redacted: list[str] = Field(description="fields left out of `data` (contact details)")


class CaseOut(CaseSummaryOut):
    organisations: list[str] = Field(description="the organisations involved in the case")
    victims: list[VictimOut]
    duties: list[DutyOut]
    events: list[EventOut] = Field(description="the event log, in order of occurrence")


class StatusCounts(Schema):
    open: int
    met: int
    late: int
    breached: int
    not_applicable: int
    total: int


class EntitlementCounts(StatusCounts):
    entitlement: str
    title: str


class DutyMetricsOut(Schema):
    organisation: str
    entitlements: list[EntitlementCounts]
    totals: StatusCounts
