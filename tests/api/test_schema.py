"""The API against its own OpenAPI schema (schemathesis): no server errors, and every
response conforms to what the schema declares for that operation and status."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from tests.api.conftest import NOW
from victimjourney.api.models import ApiKey
from victimjourney.api.selectors import token_hash

TOKEN = "vj_schemathesis-only-kent-test-token"

# The key goes through schemathesis's own auth for the schema's security scheme, so that its
# negative cases (a missing or broken Authorization header) are sent as generated.
# An event can be well-formed JSON by the schema and still break the event catalogue's rules
# (payload fields per type, instants in order, victims on the case, text the database can
# store): those are refused with 422 in the one error shape, as documented. Everywhere else,
# schema-valid data must be accepted.
CONFIG = SchemathesisConfig.from_str(f"""
[auth.openapi.ApiKeyAuth]
bearer = "{TOKEN}"

[[operations]]
include-operation-id = ["recordEvent", "recordEvents"]
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "409", "422"]
""")
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application(),
                                        config=CONFIG)


@pytest.fixture
def wsgi_in_test_transaction():
    """Calls through the WSGI app keep the test's database connection open, as Django's test
    client does: closing it at the end of each request would end the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def kent_key(kent_case, wsgi_in_test_transaction):
    ApiKey.objects.create(organisation_id="police:kent", name="schemathesis",
                          prefix=TOKEN[:11], hashed=token_hash(TOKEN), created_at=NOW)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_the_api_conforms_to_its_schema(case, kent_key):
    case.call_and_validate()


def test_the_schema_is_at_a_stable_url_and_declares_every_answer(client):
    spec = client.get("/api/openapi.json").json()
    declared = {(method.upper(), path): set(op["responses"])
                for path, methods in spec["paths"].items() for method, op in methods.items()}
    read = {"200", "401", "422"}
    write = {"200", "201", "400", "401", "403", "409", "413", "422"}
    assert declared == {
        ("POST", "/api/v1/events"): write, ("POST", "/api/v1/events/batch"): write,
        ("GET", "/api/v1/cases"): read, ("GET", "/api/v1/cases/{reference}"): read | {"404"},
        ("GET", "/api/v1/duties"): read, ("GET", "/api/v1/metrics/duties"): read}
    assert all(op["security"] == [{"ApiKeyAuth": []}]
               for methods in spec["paths"].values() for op in methods.values())
    assert spec["components"]["securitySchemes"]["ApiKeyAuth"]["scheme"] == "bearer"
    assert client.get("/api/docs").status_code == 200


def test_any_other_url_under_the_api_is_a_404_in_the_error_shape(client):
    response = client.get("/api/v2/cases")
    assert response.status_code == 404
    assert response.json() == {"errors": [{"line": None, "field": "(path)", "event_id": None,
                                           "message": "no such endpoint: GET /api/v2/cases"}]}
