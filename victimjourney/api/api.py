"""The REST API: one NinjaAPI object, version 1 under /api/v1/, OpenAPI at /api/openapi.json.

Endpoints parse, fetch through an organisation-scoped selector, call one service and respond.
Every error is `{"errors": [{"line", "field", "message", "event_id"}]}` (schemas.ErrorOut),
mapped from the domain errors in one place (`_errors` and the handlers below).
"""

from __future__ import annotations

from typing import Any

import orjson
from django.core.exceptions import RequestDataTooBig
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import register_converter
from ninja import NinjaAPI, Path, Query, Router, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.renderers import BaseRenderer
from ninja.security import HttpBearer

from victimjourney.api import schemas as s
from victimjourney.api.models import ApiKey
from victimjourney.api.selectors import (
    access_case_for_organisation,
    api_key_for_token,
    case_detail,
    case_summary,
    cases_page,
    duties_owed,
    duty_metrics_of,
    duty_out,
    providers_of,
)
from victimjourney.api.services import (
    WriteConflict,
    WriteRefused,
    api_audit_record,
    api_key_touch,
    events_record,
)
from victimjourney.cases.selectors import case_relationship
from victimjourney.core import clock
from victimjourney.core.errors import FeedError, FeedErrors, NotFound
from victimjourney.duties.services import ImportResult

DESCRIPTION = """\
Journey events in; cases, victims, duties and figures out. Every call needs an API key of an
organisation (`Authorization: Bearer vj_...`); a key reads the cases its organisation is
involved in and records events as that organisation only. Errors always have the shape
`{"errors": [{"line": 1, "field": "occurred_at", "message": "...", "event_id": "..."}]}`.
See docs/API.md.
"""


class OrjsonParser(Parser):
    """Request bodies decoded as strictly as the event feed: no NaN, no unpaired surrogates,
    nesting at most 1,024 deep (a deeper body is a 400, not a crash)."""

    def parse_body(self, request: HttpRequest) -> Any:
        return orjson.loads(request.body)


class OrjsonRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        try:
            return orjson.dumps(data)
        except TypeError:  # integers beyond 64 bits in an event's data: rare, and slower
            return DjangoJSONEncoder().encode(data).encode()


class ApiKeyAuth(HttpBearer):
    openapi_description = "An organisation's API key: `Authorization: Bearer vj_...`"

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        key = api_key_for_token(token)
        if key is not None:
            api_key_touch(key=key, now=clock.now())
        return key


class ReferenceConverter:
    """A case reference in a URL: any text, slashes and line breaks included (the feed allows
    them), so that every reference reaches the endpoint and an unknown one is a JSON 404."""

    regex = r"[\s\S]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "case_reference")

api = NinjaAPI(
    title="Victim Journey API", version="1.0.0", description=DESCRIPTION,
    auth=ApiKeyAuth(), urls_namespace="api", openapi_url="/openapi.json", docs_url="/docs",
    parser=OrjsonParser(), renderer=OrjsonRenderer(),
)
v1 = Router(tags=["v1"])


# --- errors: the one place where domain errors become responses ----------------------------

def _errors(request: HttpRequest, status: int, items: list[dict[str, Any]]) -> HttpResponse:
    return api.create_response(request, {"errors": items}, status=status)


def _item(line: int | None, field: str, message: str, event_id: str | None = None) -> dict:
    return {"line": line, "field": field, "message": message, "event_id": event_id}


def _feed_items(errors: list[FeedError]) -> list[dict[str, Any]]:
    return [_item(e.line, e.field, e.message, e.event_id) for e in errors]


@api.exception_handler(AuthenticationError)
def _unauthorised(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = _errors(request, 401, [_item(None, "Authorization", "a valid API key is "
                                            "required: Authorization: Bearer vj_...")])
    response["WWW-Authenticate"] = 'Bearer realm="victimjourney"'
    return response


@api.exception_handler(NotFound)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _errors(request, 404, [_item(None, "reference", str(exc))])


@api.exception_handler(WriteRefused)
def _refused(request: HttpRequest, exc: WriteRefused) -> HttpResponse:
    return _errors(request, 403, _feed_items(exc.errors))


@api.exception_handler(WriteConflict)
def _conflict(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _errors(request, 409, [_item(None, "(batch)", str(exc))])


@api.exception_handler(FeedErrors)
def _invalid_feed(request: HttpRequest, exc: FeedErrors) -> HttpResponse:
    return _errors(request, 422, _feed_items(exc.errors))


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _errors(request, 413, [_item(None, "(body)", "the request body is too large: send "
                                        f"at most {s.MAX_BATCH} events a batch, or use the "
                                        "bulk import")])


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _errors(request, exc.status_code, [_item(None, "(body)", str(exc))])


@api.exception_handler(ValidationError)
def _invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _errors(request, 422, [_validation_item(e) for e in exc.errors])


def _validation_item(error: dict[str, Any]) -> dict[str, Any]:
    """A request that does not fit the schema, in the feed's terms: body errors name the
    event's line (1 for a single event, its position in a batch) and its field."""
    loc = list(error.get("loc") or ())
    where, rest = (loc[0], loc[1:]) if loc else ("", [])
    line = None
    if where == "body":
        param, rest = (rest[0], rest[1:]) if rest else ("", [])
        if rest[:1] == ["events"] and len(rest) > 1 and isinstance(rest[1], int):
            line, rest = rest[1] + 1, rest[2:]
        elif param == "event":
            line = 1
    field = ""
    for part in rest:
        field += f"[{part}]" if isinstance(part, int) else f".{part}" if field else str(part)
    return _item(line, field or f"({where or 'request'})", str(error.get("msg", "invalid")))


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other URL under /api/: a 404 in the API's error shape."""
    return JsonResponse({"errors": [_item(None, "(path)", f"no such endpoint: "
                                          f"{request.method} {request.path}")]}, status=404)


# --- endpoints -------------------------------------------------------------------------------

READ_ERRORS: dict[int, Any] = {401: s.ErrorOut, 422: s.ErrorOut}
WRITE_RESPONSES: dict[int, Any] = {200: s.ImportOut, 201: s.ImportOut, 400: s.ErrorOut,
                                   401: s.ErrorOut, 403: s.ErrorOut, 409: s.ErrorOut,
                                   413: s.ErrorOut, 422: s.ErrorOut}


def _key(request: HttpRequest) -> ApiKey:
    return request.auth  # type: ignore[attr-defined]  # set by ApiKeyAuth


def _import_out(result: ImportResult, received: int) -> Status:
    body = {"batch_id": result.batch_id, "events": received, "events_new": result.events_new,
            "events_repeated": result.events_repeated, "cases_created": result.cases,
            "duties_written": result.duties_written}
    return Status(201 if result.events_new else 200, body)


@v1.post("/events", operation_id="recordEvent", response=WRITE_RESPONSES,
         summary="Record one journey event")
def event_post(request: HttpRequest, event: s.EventIn) -> Status:
    """Record one event and compute the duties it brings. 201 when it is new, 200 when the
    same event was already stored (a no-op). The event's `provider` must be the key's
    organisation (else 403), and its case one the organisation may write to (403)."""
    return _import_out(events_record(key=_key(request), events=[event.as_feed()]), 1)


@v1.post("/events/batch", operation_id="recordEvents", response=WRITE_RESPONSES,
         summary="Record a batch of journey events, whole or not at all")
def events_post(request: HttpRequest, batch: s.BatchIn) -> Status:
    """Record up to 1,000 events in one transaction: if any line is invalid, nothing is
    applied and every invalid line is listed (line = position in `events`, from 1)."""
    events = [e.as_feed() for e in batch.events]
    return _import_out(events_record(key=_key(request), events=events), len(events))


def _known_query(request: HttpRequest, model: type[s.Schema] | None = None) -> None:
    """A mistyped filter (`?stauts=open`) is an error, not silently ignored."""
    allowed = model.model_fields if model is not None else {}
    unknown = [name for name in request.GET if name not in allowed]
    if unknown:
        raise ValidationError([{"loc": ("query", name), "msg": "unknown query parameter"}
                               for name in unknown])


def _page(items: Any, paging: s.Paging) -> tuple[list[Any], int]:
    count = items.count()
    start = (paging.page - 1) * paging.page_size
    return (list(items[start:start + paging.page_size]) if start < count else []), count


@v1.get("/cases", operation_id="listCases", response={200: s.CasePageOut, **READ_ERRORS},
        summary="The organisation's cases")
def cases_list(request: HttpRequest, query: Query[s.CaseQuery]) -> dict[str, Any]:
    """The cases the key's organisation is involved in, most recently reported first."""
    _known_query(request, s.CaseQuery)
    cases = cases_page(organisation=_key(request).organisation_id,
                       reference_prefix=query.reference_prefix,
                       reported_from=query.reported_from, reported_to=query.reported_to)
    items, count = _page(cases, query)
    return {"items": [case_summary(c) for c in items], "count": count, "page": query.page,
            "page_size": query.page_size}


REFERENCE = Path(..., description="the case reference (slashes as they are)",
                 example="KEN/1/26")


@v1.get("/cases/{case_reference:reference}", operation_id="getCase",
        response={200: s.CaseOut, 404: s.ErrorOut, **READ_ERRORS},
        summary="A case: victims, duties with explanations, events")
def case_get(request: HttpRequest, reference: str = REFERENCE) -> dict[str, Any]:
    """A case the organisation is involved in (404 otherwise, exactly as for a missing case).
    Victims' contact details are left out. Each read is written to the audit log."""
    _known_query(request)
    key = _key(request)
    case = access_case_for_organisation(key.organisation_id, reference)
    detail = case_detail(case, relationship=case_relationship(key.organisation_id, case))
    api_audit_record(key=key, action="view_case", case_reference=case.reference,
                     detail="victims: " + ", ".join(v["key"] for v in detail["victims"]))
    return detail


@v1.get("/duties", operation_id="listDuties", response={200: s.DutyPageOut, **READ_ERRORS},
        summary="Duties the organisation owes")
def duties_list(request: HttpRequest, query: Query[s.DutyQuery]) -> dict[str, Any]:
    """Duties owed by the key's organisation, soonest due first, with explanations."""
    _known_query(request, s.DutyQuery)
    duties = duties_owed(organisation=_key(request).organisation_id, status=query.status,
                         entitlement=query.entitlement, due_from=query.due_from,
                         due_to=query.due_to)
    items, count = _page(duties, query)
    orgs = providers_of(items)
    return {"items": [duty_out(d, orgs) for d in items], "count": count, "page": query.page,
            "page_size": query.page_size}


@v1.get("/metrics/duties", operation_id="dutyMetrics",
        response={200: s.DutyMetricsOut, **READ_ERRORS},
        summary="Duties the organisation owes, counted by entitlement and status")
def duty_metrics(request: HttpRequest) -> dict[str, Any]:
    """Counts as stored: open duties become breached when the overdue sweep runs."""
    _known_query(request)
    return duty_metrics_of(organisation=_key(request).organisation_id)


api.add_router("/v1/", v1)
