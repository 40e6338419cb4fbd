"""API keys: stored hashed, per organisation, revocable, with their last use; 401 without one."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from tests.api.conftest import NOW, ApiClient, key_for
from victimjourney.api.models import ApiKey
from victimjourney.api.selectors import token_hash
from victimjourney.api.services import api_key_create, api_key_revoke
from victimjourney.core import clock
from victimjourney.core.errors import DomainError
from victimjourney.journey.models import Event
from victimjourney.organisations.models import Organisation

pytestmark = pytest.mark.django_db

UNAUTHORISED = {"errors": [{"line": None, "field": "Authorization", "event_id": None,
                            "message": "a valid API key is required: "
                                       "Authorization: Bearer vj_..."}]}


def test_a_key_is_stored_as_a_hash_with_a_prefix_to_recognise_it(now):
    _key, token = api_key_create(organisation="police:kent", name="Athena feed")
    stored = ApiKey.objects.get()
    assert token.startswith("vj_") and len(token) == 3 + 43
    assert (stored.organisation_id, stored.name, stored.prefix) == (
        "police:kent", "Athena feed", token[:11])
    assert stored.hashed == token_hash(token) != token
    assert token not in {stored.prefix, stored.hashed, stored.name}
    assert (stored.created_at, stored.last_used_at, stored.revoked_at) == (NOW, None, None)


@pytest.mark.parametrize("headers", [
    {},
    {"HTTP_AUTHORIZATION": "Bearer vj_not-a-key"},
    {"HTTP_AUTHORIZATION": "Bearer "},
    {"HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz"},
    {"HTTP_AUTHORIZATION": "vj_without-the-scheme"},
])
@pytest.mark.parametrize("path", ["/api/v1/cases", "/api/v1/cases/KEN/1/26", "/api/v1/duties",
                                  "/api/v1/metrics/duties"])
def test_reading_without_a_valid_key_is_401_in_the_error_shape(client, db, headers, path):
    response = client.get(path, **headers)
    assert response.status_code == 401
    assert response.json() == UNAUTHORISED
    assert response["WWW-Authenticate"] == 'Bearer realm="victimjourney"'


def test_posting_without_a_key_is_401_and_records_nothing(client, db):
    response = client.post("/api/v1/events", {"id": "x"}, content_type="application/json")
    assert response.status_code == 401
    assert Event.objects.count() == 0


def test_a_revoked_key_is_refused_at_once(kent, kent_case):
    assert kent.get("/api/v1/cases").status_code == 200
    api_key_revoke(organisation="police:kent", name="case system")
    response = kent.get("/api/v1/cases")
    assert (response.status_code, response.json()) == (401, UNAUTHORISED)
    assert ApiKey.objects.get().revoked_at == NOW


def test_a_key_of_an_organisation_made_inactive_is_refused(kent, kent_case):
    Organisation.objects.filter(code="police:kent").update(active=False)
    assert kent.get("/api/v1/cases").status_code == 401


def test_a_key_of_another_token_with_the_same_prefix_is_refused(kent, kent_case):
    forged = ApiClient(kent.token[:11] + "A" * 32)
    assert forged.get("/api/v1/cases").status_code == 401


def test_last_use_is_recorded_to_the_minute(kent, kent_case):
    kent.get("/api/v1/cases")
    assert ApiKey.objects.get().last_used_at == NOW
    with clock.frozen(NOW + dt.timedelta(seconds=30)):
        kent.get("/api/v1/cases")
    assert ApiKey.objects.get().last_used_at == NOW  # not rewritten within the minute
    later = NOW + dt.timedelta(minutes=1, seconds=1)
    with clock.frozen(later):
        kent.get("/api/v1/cases")
    assert ApiKey.objects.get().last_used_at == later


@pytest.mark.parametrize(("organisation", "name", "message"), [
    ("police:nowhere", "feed", "unknown organisation code 'police:nowhere'"),
    ("victim", "feed", "victims record events through the portal, not with an API key"),
    ("police:kent", "  ", "a key needs a name of 1 to 100 characters"),
])
def test_a_key_is_refused_for_an_unknown_organisation_the_victim_or_no_name(
        now, organisation, name, message):
    with pytest.raises(DomainError, match=message):
        api_key_create(organisation=organisation, name=name)
    assert ApiKey.objects.count() == 0


def test_a_live_key_name_is_unique_within_an_organisation_but_reusable_once_revoked(now):
    api_key_create(organisation="police:kent", name="feed")
    with pytest.raises(DomainError, match="police:kent already has a live key named 'feed'"):
        api_key_create(organisation="police:kent", name="feed")
    api_key_create(organisation="police:essex", name="feed")
    api_key_revoke(organisation="police:kent", name="feed")
    api_key_create(organisation="police:kent", name="feed")
    assert ApiKey.objects.filter(name="feed").count() == 3


def test_the_create_command_prints_the_token_once_and_it_works(now):
    out, err = io.StringIO(), io.StringIO()
    call_command("apikey_create", "police:kent", "--name", "Niche feed", stdout=out, stderr=err)
    token = out.getvalue().strip()
    assert "not stored and will not be shown again" in err.getvalue()
    assert ApiKey.objects.get().hashed == token_hash(token)
    assert ApiClient(token).get("/api/v1/cases").status_code == 200
    listing = io.StringIO()
    call_command("apikey_list", "police:kent", stdout=listing)
    assert listing.getvalue().startswith(f"police:kent\tNiche feed\t{token[:11]}…\t")
    assert token not in listing.getvalue()


def test_the_revoke_command_stops_the_key(now):
    kent = key_for("police:kent", "Niche feed")
    out = io.StringIO()
    call_command("apikey_revoke", "police:kent", "--name", "Niche feed", stdout=out)
    assert out.getvalue().startswith("Revoked API key 'Niche feed' (vj_")
    assert kent.get("/api/v1/cases").status_code == 401
    with pytest.raises(CommandError, match="police:kent has no live key named 'Niche feed'"):
        call_command("apikey_revoke", "police:kent", "--name", "Niche feed")


def test_the_admin_creates_a_key_and_shows_its_token_once(admin_client, now):
    response = admin_client.post("/admin/api/apikey/add/",
                                 {"organisation": "police:kent", "name": "Athena feed"})
    assert response.status_code == 200
    key = ApiKey.objects.get()
    token = response.context["token"]
    assert key.hashed == token_hash(token)
    assert token in response.content.decode()
    assert ApiClient(token).get("/api/v1/cases").status_code == 200
    page = admin_client.get(f"/admin/api/apikey/{key.pk}/change/").content.decode()
    assert key.prefix in page and token not in page and key.hashed not in page


def test_the_admin_revokes_keys(admin_client, kent):
    key = ApiKey.objects.get()
    admin_client.post("/admin/api/apikey/", {"action": "revoke", "_selected_action": [key.pk]})
    assert ApiKey.objects.get().revoked_at == NOW
    assert kent.get("/api/v1/cases").status_code == 401
