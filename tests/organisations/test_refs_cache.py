"""`organisation_refs` keeps the reference records in memory, and never serves a stale copy
when the table changed in a way it can see (organisations/selectors.py)."""

from __future__ import annotations

import pytest

from victimjourney.organisations import selectors
from victimjourney.organisations.models import Organisation
from victimjourney.organisations.selectors import organisation_refs
from victimjourney.organisations.services import organisation_add, reference_load

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh():
    selectors.refs_forget()
    yield
    selectors.refs_forget()


def test_a_second_call_reads_no_organisation_rows(django_assert_num_queries):
    first = organisation_refs()
    assert first["police:kent"].name
    with django_assert_num_queries(1):  # the stamp only
        again = organisation_refs()
    assert again is first


def test_a_rename_saved_in_this_process_shows_at_once():
    organisation_refs()
    kent = Organisation.objects.get(code="police:kent")
    kent.name = "Kent Police (renamed)"
    kent.save()
    assert organisation_refs()["police:kent"].name == "Kent Police (renamed)"


def test_an_organisation_added_or_deactivated_elsewhere_shows_at_once():
    """.update() sends no signal (as a write by another process): the stamp sees it."""
    assert "police:kent" in organisation_refs()
    Organisation.objects.filter(code="police:kent").update(active=False)
    assert "police:kent" not in organisation_refs()
    organisation_add(code="court:test-crown-court", name="Test Crown Court", force="kent")
    assert organisation_refs()["court:test-crown-court"].name == "Test Crown Court"


def test_a_stale_copy_is_dropped_after_its_time(monkeypatch):
    first = organisation_refs()
    Organisation.objects.filter(code="police:kent").update(name="Renamed without a signal")
    assert organisation_refs()["police:kent"].name == first["police:kent"].name
    monkeypatch.setattr(selectors, "REFS_TTL", 0.0)
    assert organisation_refs()["police:kent"].name == "Renamed without a signal"


def test_reference_load_refreshes_the_copy():
    organisation_refs()
    Organisation.objects.filter(code="police:kent").update(name="Changed")
    reference_load()  # puts the shipped name back with .update()
    assert organisation_refs()["police:kent"].name != "Changed"
