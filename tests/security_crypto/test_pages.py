"""The pages still show contact details, decrypted, to those who may see them: the case page
to an investigating officer, and the portal to the victim (signing in with the email on
record, which is matched after decryption)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils.html import escape

from tests.security_crypto.conftest import ADDRESS, EMAIL, NEW_PHONE, REF, SAFE, stored
from victimjourney.accounts.services import staff_create

pytestmark = pytest.mark.django_db


def test_the_case_page_shows_decrypted_contact_details_to_an_investigating_officer(
        client, sealed_case):
    staff_create(username="officer", password="correct horse battery",
                 organisation="police:kent", role="investigating_officer")
    client.login(username="officer", password="correct horse battery")
    page = client.get(f"/cases/{REF}/").content.decode()
    for value in (ADDRESS, NEW_PHONE, EMAIL, SAFE):
        assert escape(value) in page, value
    assert all(ADDRESS not in value for value in stored("victims_victim", "contact"))


def test_a_victim_signs_in_with_the_encrypted_email_and_sees_their_preferences(
        client, sealed_case):
    mail.outbox.clear()
    client.post("/portal/sign-in/", {"reference": REF, "contact": EMAIL})
    [message] = mail.outbox
    assert message.to == [EMAIL]
    code = re.search(r"\b(\d{6})\b", message.body).group(1)
    assert client.post("/portal/code/", {"code": code})["Location"] == "/portal/case/"
    page = client.get("/portal/preferences/").content.decode()
    assert escape(SAFE) in page and "evenings" in page
