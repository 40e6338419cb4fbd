"""The portal side of the walk: a victim who signs in (with a one-time code) reaches only
their own case; another victim's case answers 404 or shows nothing of it."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.security_matrix.conftest import CASES
from victimjourney.audit.models import AuditEntry

OWN = CASES["own_plain"]  # the signed-in victim's case (Blake, contact by email)
PORTAL_PAGES = ("/portal/case/", "/portal/rights/", "/portal/messages/", "/portal/preferences/",
                "/portal/updates/", "/portal/statement/", "/portal/review/",
                "/portal/complaint/")


def sign_in(client, reference: str, contact: str) -> bool:
    mail.outbox.clear()
    client.post("/portal/sign-in/", {"reference": reference, "contact": contact})
    if not mail.outbox:
        return False
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    return client.post("/portal/code/", {"code": code})["Location"] == "/portal/case/"


def _others(body: str) -> list[str]:
    return [marker for key, spec in CASES.items() if key != OWN.key
            for marker in (spec.name, spec.reference, *spec.contact_markers) if marker in body]


@pytest.mark.django_db
def test_a_signed_in_victim_sees_their_own_case_and_nothing_of_anyone_elses(client, world):
    assert sign_in(client, OWN.reference, OWN.contact["email"])
    for path in PORTAL_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert _others(response.content.decode()) == [], path
    assert OWN.safe_contact in client.get("/portal/preferences/").content.decode()


@pytest.mark.django_db
def test_another_victims_case_cannot_be_addressed(client, world):
    assert sign_in(client, OWN.reference, OWN.contact["email"])
    other = CASES["own_da"]
    assert client.get(f"/portal/case/{other.reference}/").status_code == 404
    # The victim comes from the session, never from the URL: a victim or case named in the
    # query is ignored, and the page is the signed-in victim's own.
    for query in (f"?victim={world.victims['own_da'].pk}", f"?reference={other.reference}"):
        body = client.get(f"/portal/case/{query}").content.decode()
        body = re.sub(r"next=[^\"]*", "", body)  # the language links repeat the URL
        assert _others(body) == []


@pytest.mark.django_db
def test_a_victims_address_does_not_open_another_case(client, world):
    assert not sign_in(client, CASES["own_da"].reference, OWN.contact["email"])
    assert client.get("/portal/case/")["Location"] == "/portal/sign-in/"


@pytest.mark.django_db
def test_a_portal_session_opens_nothing_in_the_workspace_or_the_api(client, world):
    assert sign_in(client, OWN.reference, OWN.contact["email"])
    assert client.get(f"/cases/{OWN.reference}/")["Location"].startswith("/sign-in/")
    assert client.get(f"/api/v1/cases/{OWN.reference}").status_code == 401


@pytest.mark.django_db
def test_the_victims_own_reads_are_audited(client, world):
    assert sign_in(client, OWN.reference, OWN.contact["email"])
    client.get("/portal/case/")
    client.get("/portal/preferences/")
    actions = set(AuditEntry.objects.filter(case_reference=OWN.reference, victim_key="V1")
                  .values_list("action", flat=True))
    assert {"portal_sign_in", "portal_view_case", "portal_view_preferences"} <= actions
