"""`victimjourney demo`: demo cases, staff accounts, and victims who can try the portal."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from victimjourney.cases.models import Case
from victimjourney.victims.models import Victim

pytestmark = pytest.mark.django_db


def test_the_demo_loads_cases_and_accounts_and_a_victim_can_sign_in_to_the_portal(mailoutbox):
    out = io.StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    assert Case.objects.count() > 300
    assert re.search(r"Demo accounts \(one password for all, printed once\): (\S+)", text)
    portal = re.findall(r"Victim portal, /portal/: crime reference (\S+), email (\S+?)"
                        r"( \(a Welsh speaker\))?; ", text)
    assert [(email, bool(welsh)) for _ref, email, welsh in portal] == [
        ("sam.demo@example.invalid", False), ("cerys.demo@example.invalid", True)]
    welsh_ref = portal[1][0]
    assert welsh_ref.startswith("GWE/")
    assert Victim.objects.get(case__reference=welsh_ref, key="V1").language == "cy"

    client = Client()
    reference, email, _welsh = portal[0]
    client.post("/portal/sign-in/", {"reference": reference, "contact": email})
    code = re.search(r"\b(\d{6})\b", mailoutbox[-1].body).group(1)
    assert client.post("/portal/code/", {"code": code})["Location"] == "/portal/case/"
    assert reference in client.get("/portal/case/").content.decode()

    again = io.StringIO()
    call_command("demo", stdout=again)  # a second run loads nothing and still says how
    assert "the database already has events; nothing loaded" in again.getvalue()
    assert again.getvalue().count("Victim portal") == 2
    assert "Demo accounts" not in again.getvalue()
