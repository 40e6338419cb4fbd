"""The navigation offers each role the sections it may open, and nothing it may not (every
link it shows opens; a section it hides answers "not found")."""

import re

import pytest

from tests.workspace.conftest import signed_in
from victimjourney.accounts.permissions import permitted
from victimjourney.linkage.permissions import may

pytestmark = pytest.mark.django_db

SECTIONS = {"Team": "/duties/team/", "Repeat victims": "/linkage/", "Compliance": "/inspection/"}


def _nav(client) -> dict[str, str]:
    html = client.get("/duties/").content.decode()
    nav = re.search(r'<ul class="govuk-service-navigation__list".*?</ul>', html, re.S)
    assert nav, "no service navigation"
    return {text: href for href, text in re.findall(
        r'<a class="govuk-service-navigation__link" href="([^"]+)"[^>]*>([^<]+)</a>',
        nav.group(0))}


@pytest.mark.parametrize("role", ["investigating_officer", "supervisor", "inspector",
                                  "call_handler"])
def test_each_role_sees_the_sections_it_may_open(client, role):
    signed_in(client, f"user-{role}", "police:kent", role)
    links = _nav(client)
    expected = {"Team": permitted(role, "own", "duty", "team"),
                "Repeat victims": may(role, "lookup"),
                "Compliance": permitted(role, "none", "report", "aggregates")}
    for section, allowed in expected.items():
        assert (section in links) is allowed, (role, section)
        status = client.get(SECTIONS[section]).status_code
        assert (status == 200) is allowed, (role, section, status)
    assert "My duties" in links and "Cases" in links
