"""The OpenID Connect option: off by default; when on, only existing staff may sign in."""

import pytest
from django.contrib.auth import get_user_model

from victimjourney.accounts.services import staff_create

pytestmark = pytest.mark.django_db


def test_oidc_is_off_by_default(client):
    assert "organisation's account" not in client.get("/sign-in/").content.decode()
    assert client.get("/oidc/authenticate/").status_code == 404


def test_the_backend_matches_only_existing_staff_by_email(settings):
    from victimjourney.accounts.oidc import StaffOIDCBackend

    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.example.invalid/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.example.invalid/userinfo"
    settings.OIDC_RP_CLIENT_ID = "victimjourney"
    settings.OIDC_RP_CLIENT_SECRET = "not-a-secret"
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.OIDC_CREATE_USER = False
    staff_create(username="dc", password="x" * 12, organisation="police:kent",
                 role="investigating_officer", email="dc.jones@kent.police.example")
    get_user_model().objects.create_user("outsider", "outsider@example.invalid", "y" * 12)
    backend = StaffOIDCBackend()
    found = {u.username for u in backend.filter_users_by_claims(
        {"email": "DC.Jones@kent.police.example"})}
    stored = list(get_user_model().objects.values_list("username", "email", "is_active",
                                                       "staff__organisation"))
    assert "dc" in found, f"no match for the claim's email among {stored}"
    assert "outsider" not in found
    assert not backend.filter_users_by_claims({"email": "outsider@example.invalid"}).exists()
    assert not backend.filter_users_by_claims({}).exists()
