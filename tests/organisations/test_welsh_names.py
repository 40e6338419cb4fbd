"""Organisations in Wales have their Welsh names on Welsh pages, letters and messages; the
English name stays in feeds, the API and exports."""

import csv

import pytest
from django.test import Client
from django.utils import translation

from tests.helpers import raw
from tests.portal.test_portal import NOW, sign_in, welsh_speaker_in_gwent
from tests.workspace.conftest import signed_in
from victimjourney.core import clock
from victimjourney.organisations.reference import DATA, local_name, shipped_organisations


def test_every_welsh_name_is_of_a_shipped_organisation_and_every_one_in_wales_has_one():
    with (DATA / "welsh_names.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    shipped = shipped_organisations()
    assert [r["code"] for r in rows if r["code"] not in shipped] == []
    assert all(r["name_cy"].strip() and r["name_cy"] != shipped[r["code"]].name for r in rows)
    named = {r["code"] for r in rows}
    assert sorted(code for code, org in shipped.items()
                  if org.country == "Wales" and code not in named) == []


@pytest.mark.parametrize("language, expected", [
    ("en", "Gwent Police"), ("cy", "Heddlu Gwent"), ("en-gb", "Gwent Police")])
def test_the_name_follows_the_active_language(language, expected):
    gwent = shipped_organisations()["police:gwent"]
    with translation.override(language):
        assert gwent.local_name == expected
        assert local_name("police:kent", "Kent Police") == "Kent Police"  # none in Welsh
    assert gwent.name == "Gwent Police"  # the record itself is unchanged


@pytest.mark.django_db
def test_welsh_pages_name_the_force_in_welsh(client: Client):
    ref = "GWE/7/26"
    with clock.frozen(NOW):
        welsh_speaker_in_gwent(ref, "sam@example.invalid", raw(
            "g3", "suspect.arrested", "2026-11-17 10:00", case=ref, provider="police:gwent"))
        client.get("/language/cy/?next=/portal/")
        assert sign_in(client, reference=ref).status_code == 302
        text = client.get("/portal/case/").content.decode()
    assert "Heddlu Gwent" in text
    assert "Gwent Police" not in text
    officer = Client()
    signed_in(officer, "gwent", "police:gwent", "investigating_officer")
    officer.get("/language/cy/?next=/duties/")
    with clock.frozen(NOW):
        page = officer.get(f"/cases/{ref}/").content.decode()
        officer.get("/language/en/?next=/duties/")
        english = officer.get(f"/cases/{ref}/").content.decode()
    assert '<span class="govuk-caption-l">Heddlu Gwent</span>' in page
    assert "Gwent Police" not in page
    assert '<span class="govuk-caption-l">Gwent Police</span>' in english

