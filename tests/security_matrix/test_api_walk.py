"""The permission walk over the REST API: every operation of the OpenAPI schema, called with
Kent Police's key, the CPS key of Kent's area (a partner of Kent's cases), a revoked key, a
signed-in member of staff without a key, and nobody, against a case of each relationship;
each answer as the permission matrix says (`principal` `api_key`), and never a contact
detail: a key is granted no contact field set.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from tests.helpers import raw
from tests.security_matrix.conftest import CASES, World
from victimjourney.accounts.permissions import API_KEY, contact_visible, permitted
from victimjourney.api.api import api
from victimjourney.cases.models import Case
from victimjourney.cases.selectors import case_relationship


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    kind: str
    fields: str
    relationship: str = ""  # for an operation about no one case
    ok: int = 200

    @property
    def bound(self) -> bool:
        return not self.relationship


# Each operation of the schema and the row of the matrix it answers to. A new operation not
# listed here fails test_every_api_operation_is_walked.
OPERATIONS: dict[str, Operation] = {
    "recordEvent": Operation("post", "/api/v1/events", "event", "record", ok=201),
    "recordEvents": Operation("post", "/api/v1/events/batch", "event", "record", ok=201),
    "listCases": Operation("get", "/api/v1/cases", "case", "summary"),
    "getCase": Operation("get", "/api/v1/cases/{reference}", "case", "summary"),
    "listDuties": Operation("get", "/api/v1/duties", "duty", "read", relationship="own"),
    "dutyMetrics": Operation("get", "/api/v1/metrics/duties", "report", "organisation",
                             relationship="own"),
}
KEYS = {"kent": "police:kent", "cps": "cps:south-east"}
CALLERS = (*KEYS, "revoked_key", "staff_session", "anonymous")


def relationship(caller: str, case: str) -> str:
    if caller == "kent":
        return CASES[case].kent_relationship
    return "partner" if CASES[case].force == "police:kent" else "none"


def schema_operations() -> dict[str, tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {op["operationId"]: (method, path)
            for path, ops in schema["paths"].items() for method, op in ops.items()}


def test_every_api_operation_is_walked():
    found = schema_operations()
    assert set(found) == set(OPERATIONS)
    for name, (method, path) in found.items():
        assert (method, path) == (OPERATIONS[name].method, OPERATIONS[name].path), name


def test_the_callers_relationships_are_the_ones_the_walk_assumes(world):
    for key, spec in CASES.items():
        case = Case.objects.get(reference=spec.reference)
        for caller, organisation in KEYS.items():
            assert case_relationship(organisation, case) == relationship(caller, key)


def client_for(caller: str, world: World) -> Client:
    if caller in KEYS:
        return Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens[KEYS[caller]]}")
    if caller == "revoked_key":
        return Client(HTTP_AUTHORIZATION=f"Bearer {world.revoked_token}")
    client = Client()
    if caller == "staff_session":
        client.force_login(world.users["investigating_officer"])
    return client


def _event(caller: str, case: str) -> dict[str, Any]:
    line = raw(f"walk-{caller}-{case}", "suspect.interviewed", "2026-11-20 10:00",
               case=CASES[case].reference, provider=KEYS[caller])
    return line


def call(operation: str, caller: str, target: str, client: Client):
    op = OPERATIONS[operation]
    if operation == "recordEvent":
        event = _event(caller if caller in KEYS else "kent", target)
        return client.post(op.path, json.dumps(event), content_type="application/json")
    if operation == "recordEvents":
        event = _event(caller if caller in KEYS else "kent", target)
        return client.post(op.path, json.dumps({"events": [event]}),
                           content_type="application/json")
    if operation == "listCases":
        return client.get(op.path, {"page_size": 100})
    if operation == "getCase":
        return client.get(op.path.replace("{reference}", CASES[target].reference))
    return client.get(op.path)


ROWS = [(operation, caller, target) for operation, op in OPERATIONS.items()
        for caller in CALLERS for target in (CASES if op.bound else ("-",))]


def _id(row: tuple[str, str, str]) -> str:
    operation, caller, target = row
    return f"{operation}{'' if target == '-' else f'[{target}]'}-{caller}"


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=[_id(r) for r in ROWS])
def test_api_walk(row: tuple[str, str, str], world: World):
    operation, caller, target = row
    op = OPERATIONS[operation]
    response = call(operation, caller, target, client_for(caller, world))
    body = response.content.decode()
    if caller not in KEYS:  # no key, a revoked key, or a session cookie: not authenticated
        assert response.status_code == 401, body
        assert response["WWW-Authenticate"] == 'Bearer realm="victimjourney"'
        return
    rel = relationship(caller, target) if op.bound else op.relationship
    allowed = permitted(API_KEY, rel, op.kind, op.fields)
    if operation == "listCases":  # a list: the case is in it, or is not
        assert response.status_code == 200
        references = {item["reference"] for item in response.json()["items"]}
        assert (CASES[target].reference in references) == allowed
    elif op.method == "post":
        # A write the key may not make is refused (403) naming the line, exactly as for a
        # case that does not exist (test_a_refused_write_says_nothing_of_the_case's_existence).
        assert response.status_code == (op.ok if allowed else 403), body
    else:
        assert response.status_code == (op.ok if allowed else 404), body
    if operation == "getCase" and allowed:
        detail = response.json()
        assert [v["name"] for v in detail["victims"]] == [CASES[target].name]
        redacted = {path for event in detail["events"] for path in event["redacted"]}
        assert {"data.contact", "data.safe_contact", "data.note"} <= redacted
    if operation in ("listDuties", "dutyMetrics"):
        data = response.json()
        if operation == "dutyMetrics":
            assert data["organisation"] == KEYS[caller]
        else:
            assert {item["provider"] for item in data["items"]} <= {KEYS[caller]}
    for key, spec in CASES.items():
        case_rel = relationship(caller, key)
        if not permitted(API_KEY, case_rel, "victim", "identity"):
            assert spec.name not in body
        if not permitted(API_KEY, case_rel, "case", "summary") and not (
                op.method == "post" and key == target):  # a refusal names the line's case
            assert spec.reference not in body
        if not contact_visible(API_KEY, case_rel, domestic_abuse=spec.domestic_abuse):
            for marker in spec.contact_markers:
                assert marker not in body, (key, marker)


@pytest.mark.django_db
def test_a_refused_write_says_nothing_of_the_cases_existence(world):
    """The CPS key may not write to another force's case, nor open one: the two refusals
    are the same but for the reference."""
    client = client_for("cps", world)
    existing = _event("cps", "none_da")
    missing = {**existing, "case": "ESX/404/26"}
    refused = [client.post("/api/v1/events", json.dumps(e), content_type="application/json")
               for e in (existing, missing)]
    assert [r.status_code for r in refused] == [403, 403]
    texts = [r.content.decode().replace(e["case"], "<case>")
             for r, e in zip(refused, (existing, missing), strict=True)]
    assert texts[0] == texts[1]
