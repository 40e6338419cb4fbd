"""The inspection pages: who may see them, what they show, samples and judgements."""

import datetime as dt
import io

import pytest

from tests.helpers import lines, raw
from victimjourney.accounts.services import staff_create
from victimjourney.audit.models import AuditEntry
from victimjourney.cases.models import Case
from victimjourney.core import clock
from victimjourney.duties.services import feed_import
from victimjourney.inspection.models import Judgement, SampledFile
from victimjourney.inspection.services import judgement_record, sample_draw

NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


def sign_in(client, role, organisation="police:kent", username=None):
    name = username or role
    staff_create(username=name, password="correct horse battery", organisation=organisation,
                 role=role)
    client.login(username=name, password="correct horse battery")
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["investigating_officer", "victim_care_officer",
                                  "cps_lawyer"])
def test_roles_without_access_get_not_found(client, role):
    sign_in(client, role)
    assert client.get("/inspection/").status_code == 404
    assert client.get("/inspection/samples/").status_code == 404


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/inspection/")
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["inspector", "supervisor", "administrator"])
def test_the_dashboard_shows_every_finding_with_a_chart_and_its_table(client, data, role):
    sign_in(client, role)
    with clock.frozen(NOW):
        response = client.get("/inspection/?year=2024")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg role="img" aria-label="Bar chart: Findings' in html
    assert 'data-metric="recorded_via_call_handling"' in html
    assert 'data-metric="entitlement.referral_to_victim_services"' in html


@pytest.mark.django_db
def test_a_metric_page_has_a_funnel_plot_beside_its_table_and_the_overdispersion_test(
        client, data):
    sign_in(client, "inspector")
    with clock.frozen(NOW):
        response = client.get("/inspection/metrics/entitlement.referral_to_victim_services/"
                              "?year=2024")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg role="img" aria-label="Funnel plot:' in html
    assert 'data-testid="by-force"' in html
    assert 'data-testid="overdispersion"' in html
    assert "Kent Police" in html  # force names, not codes
    assert 'data-dimension="offence_group"' in html
    assert client.get("/inspection/metrics/no-such-metric/").status_code == 404


@pytest.mark.django_db
def test_a_sample_draws_20_files_per_force_and_the_same_seed_draws_the_same_files(data):
    with clock.frozen(NOW):
        first = sample_draw(name="a", seed=42, per_stratum=20, year=2024)
        again = sample_draw(name="b", seed=42, per_stratum=20, year=2024)
        other = sample_draw(name="c", seed=43, per_stratum=20, year=2024)

    def files(sample):
        return [(f.stratum, f.case_id) for f in SampledFile.objects.filter(sample=sample)]

    assert files(first) == files(again)
    assert files(first) != files(other)
    population = {}
    for force in Case.objects.values_list("force_id", flat=True):
        population[force] = population.get(force, 0) + 1
    drawn = {}
    for stratum, _ in files(first):
        drawn[stratum] = drawn.get(stratum, 0) + 1
    assert drawn == {force: min(20, n) for force, n in population.items()}


@pytest.mark.django_db
def test_reading_a_sampled_file_is_audited_and_the_judgement_is_stored(client, data):
    sign_in(client, "inspector", organisation="police:kent")
    with clock.frozen(NOW):
        sample = sample_draw(name="FRTI", seed=1, per_stratum=2,
                             finding="frti_notifications_standard")
    file = sample.files.first()
    url = f"/inspection/samples/{sample.pk}/files/{file.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="view_case_file",
                                     case_reference=file.case.reference).count() == 1
    response = client.post(url, {"finding": "frti_notifications_standard",
                                 "outcome": "partially", "notes": "letter late"})
    assert response.status_code == 302
    judgement = Judgement.objects.get()
    assert (judgement.case_id, judgement.outcome, judgement.notes, judgement.sample_id) == (
        file.case_id, "partially", "letter late", sample.pk)
    assert AuditEntry.objects.filter(action="record_judgement").count() == 1


@pytest.mark.django_db
def test_a_judgement_without_an_outcome_is_refused_and_nothing_is_stored(client, data):
    sign_in(client, "inspector")
    sample = sample_draw(name="s", seed=1, per_stratum=1)
    file = sample.files.first()
    response = client.post(f"/inspection/samples/{sample.pk}/files/{file.pk}/",
                           {"finding": "special_measures_timely"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not Judgement.objects.exists()


@pytest.mark.django_db
def test_supervisors_see_results_but_not_case_files(client, data):
    sign_in(client, "supervisor")
    sample = sample_draw(name="s", seed=1, per_stratum=1)
    file = sample.files.first()
    assert client.get(f"/inspection/samples/{sample.pk}/").status_code == 200
    assert client.get(f"/inspection/samples/{sample.pk}/files/{file.pk}/").status_code == 404
    assert not AuditEntry.objects.filter(action="view_case_file").exists()


@pytest.mark.django_db
def test_sample_results_are_aggregated_as_the_seed_reports_them(client, data):
    sign_in(client, "inspector")
    sample = sample_draw(name="FRTI", seed=5, per_stratum=20)
    files = list(sample.files.select_related("case")[:60])
    assert len(files) == 60
    for i, f in enumerate(files):
        outcome = "fully" if i < 3 else "partially" if i < 16 else "not_met"
        judgement_record(case=f.case, finding="frti_notifications_standard", outcome=outcome,
                         sample=sample)
    html = client.get(f"/inspection/samples/{sample.pk}/").content.decode()
    table = html.split('data-finding="frti_notifications_standard"')[1].split("</table>")[0]
    assert [cell for cell in ("5.0%", "21.7%", "73.3%") if cell in table] == [
        "5.0%", "21.7%", "73.3%"]


@pytest.mark.django_db
def test_a_judgement_file_with_errors_is_refused_whole(client, data):
    sign_in(client, "inspector")
    reference = Case.objects.first().reference
    text = ("case,finding,outcome\n"
            f"{reference},special_measures_timely,fully\n"
            "NO/SUCH/CASE,special_measures_timely,fully\n"
            f"{reference},initial_response_good,brilliant\n")
    upload = io.BytesIO(text.encode())
    upload.name = "judgements.csv"
    response = client.post("/inspection/judgements/import/", {"file": upload})
    html = response.content.decode()
    assert "Line 3, case: no case" in html
    assert "Line 4, outcome:" in html
    assert not Judgement.objects.exists()


@pytest.mark.django_db
def test_a_good_judgement_file_is_imported(client, data):
    sign_in(client, "inspector")
    references = list(Case.objects.values_list("reference", flat=True)[:3])
    text = "case,finding,outcome,notes\n" + "".join(
        f"{r},special_measures_timely,{o},n\n"
        for r, o in zip(references, ("fully", "partially", "not_met"), strict=True))
    upload = io.BytesIO(text.encode())
    upload.name = "judgements.csv"
    response = client.post("/inspection/judgements/import/", {"file": upload})
    assert response.status_code == 302
    assert sorted(Judgement.objects.values_list("outcome", flat=True)) == [
        "fully", "not_met", "partially"]


@pytest.mark.django_db
def test_the_dashboard_reads_the_nightly_snapshot_when_there_is_one(client, data):
    from victimjourney.inspection.services import snapshot_create

    sign_in(client, "inspector")
    with clock.frozen(NOW):
        snapshot = snapshot_create(year=2024)
        referral = next(r for r in snapshot.results
                        if r["id"] == "entitlement.referral_to_victim_services")
        feed_import(lines=lines(  # a case the snapshot does not have
            raw("late-1", "crime.reported", "2024-06-03 09:00", case="LATE/1/24",
                offence="theft from the person"),
            raw("late-2", "victim.identified", "2024-06-03 09:00", case="LATE/1/24",
                victim="V1", kind="person", date_of_birth="1980-01-01")), source="later")
        html = client.get("/inspection/?year=2024").content.decode()
        page = client.get("/inspection/metrics/entitlement.referral_to_victim_services/"
                          "?year=2024").content.decode()
    assert "Figures as of 1 March 2025" in html
    row = html.split('data-metric="entitlement.referral_to_victim_services"')[1]
    assert f">{referral['denominator']}<" in row.split("</tr>")[0]
    assert (f"<strong>{referral['numerator']} of {referral['denominator']}</strong>"
            in page)
