import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from victimjourney.organisations.models import Organisation
from victimjourney.organisations.reference import TERRITORIAL_FORCES, shipped_organisations
from victimjourney.organisations.services import reference_load

SHARED_FORCES = Path(__file__).resolve().parents[3] / "shared/data/real/reference/forces.csv"


def test_the_43_territorial_forces_and_btp_use_the_police_uk_slugs():
    forces = sorted(o.force for o in shipped_organisations().values() if o.kind == "police")
    assert len(TERRITORIAL_FORCES) == 43
    assert forces == sorted([*TERRITORIAL_FORCES, "btp"])
    if SHARED_FORCES.exists():  # the real reference file beside the project
        with SHARED_FORCES.open() as handle:
            assert sorted(row["id"] for row in csv.DictReader(handle)) == forces


def test_every_force_has_a_witness_care_unit_a_cps_area_and_a_probation_region():
    orgs = shipped_organisations()
    for org in orgs.values():
        if org.kind == "police":
            assert f"wcu:{org.force}" in orgs
            assert orgs[org.cps_area].kind == "cps"
            assert orgs[org.probation_region].kind == "probation"
    assert orgs["police:gwent"].cps_area == "cps:cymru-wales"
    assert orgs["police:gwent"].probation_region == "probation:wales"
    assert orgs["police:gwent"].country == "Wales"


def test_courts_yots_and_prisons_ship_with_valid_force_areas():
    orgs = shipped_organisations()
    forces = {o.force for o in orgs.values() if o.kind == "police"}
    for kind in ("court", "yot", "prison"):
        items = [o for o in orgs.values() if o.kind == kind]
        assert len(items) > 50, kind
        assert all(o.force in forces or o.force == "" for o in items)


@pytest.mark.django_db
def test_the_migration_loads_the_reference_data_and_reloading_is_idempotent():
    assert Organisation.objects.count() == len(shipped_organisations())
    assert reference_load() == 0
    assert Organisation.objects.count() == len(shipped_organisations())


@pytest.mark.django_db
def test_an_administrator_adds_a_court_by_command(capsys):
    call_command("organisation_add", "court:test-magistrates-court", "Test Magistrates' Court",
                 "--force", "gwent")
    org = Organisation.objects.get(code="court:test-magistrates-court")
    assert (org.kind, org.force, org.country, org.shipped) == ("court", "gwent", "Wales", False)
    assert "Added court:test-magistrates-court" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "force", "message"),
    [
        ("police:new-force", "", "only court:, yot:, prison: codes can be added"),
        ("court:Bad Slug", "", "must be lowercase letters, digits and single hyphens"),
        ("court:somewhere", "atlantis", "unknown police force 'atlantis'"),
        ("court:cardiff-crown-court", "", "organisation 'court:cardiff-crown-court' already "
                                          "exists"),
    ],
)
def test_bad_organisations_are_refused_with_the_reason(code, force, message):
    before = Organisation.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("organisation_add", code, "Somewhere", "--force", force)
    assert Organisation.objects.count() == before


@pytest.mark.django_db
def test_the_admin_page_adds_a_prison_and_refuses_a_force(admin_client):
    response = admin_client.post("/admin/organisations/organisation/add/", {
        "code": "prison:hmp-test", "name": "HMP Test", "force": "kent"})
    assert response.status_code == 302
    assert Organisation.objects.get(code="prison:hmp-test").kind == "prison"
    response = admin_client.post("/admin/organisations/organisation/add/", {
        "code": "police:rogue", "name": "Rogue Police", "force": ""})
    assert response.status_code == 200
    assert "only court:, yot:, prison: codes can be added" in response.content.decode()
    assert not Organisation.objects.filter(code="police:rogue").exists()


def test_force_populations_are_the_published_ones_unshifted():
    """forces.csv shifts the populations of the rows from City of London to Lincolnshire down
    by one row; the shipped figures put each back against its force."""
    path = SHARED_FORCES
    if not path.exists():
        pytest.skip("the shared reference data is not beside the project")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows = [r for r in rows if r["Population 2010"]]
    published = {r["id"]: int(r["Population 2010"]) for r in rows}
    ours = {code.removeprefix("police:"): o.population
            for code, o in shipped_organisations().items()
            if code.startswith("police:") and code != "police:btp"}
    slugs = [r["id"] for r in rows]
    first, last = slugs.index("city-of-london"), slugs.index("lincolnshire")
    for i, slug in enumerate(slugs):
        if first < i <= last:
            assert ours[slug] == published[slugs[i - 1]], slug
        elif i == first:
            assert ours[slug] == published[slugs[last]] == 11700
        else:
            assert ours[slug] == published[slug], slug
    assert ours["city-of-london"] < 20_000 < ours["lincolnshire"]
