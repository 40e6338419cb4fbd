"""The inspection dashboards in Welsh: the registry's words (finding and entitlement titles,
numerators and denominators, outcomes), the interval, the forms, the charts and the messages
read in Welsh; in English they read as before, and the registry's values stay English."""

import datetime as dt
import io
import re

import pytest
from django.utils import translation

from victimjourney.accounts.services import staff_create
from victimjourney.cases.models import Case
from victimjourney.core import clock
from victimjourney.inspection.metrics import DIMENSION_LABELS, Count
from victimjourney.inspection.registry import FINDINGS, OUTCOME_LABELS, all_metrics, translated
from victimjourney.inspection.services import judgement_record, sample_draw
from victimjourney.inspection.stats import POSITIONS
from victimjourney.inspection.templatetags.inspection_tags import interval
from victimjourney.journey.catalogue import STAGES

NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
CALL_HANDLING_CY = ("Troseddau a gofnodwyd: a adroddwyd i’r gwasanaeth trin galwadau fel "
                    "digwyddiad")
CALL_HANDLING_EN = "Crimes recorded: reported to call handling as an incident"
REFERRAL_CY = "Atgyfeirio at wasanaethau i ddioddefwyr"
FRTI_CY = "FRTI: hysbysiadau i deuluoedd mewn profedigaeth yn bodloni’r safon"
INTERVAL_CY = re.compile(r"\d+\.\d% i \d+\.\d%")
INTERVAL_EN = re.compile(r"\d+\.\d% to \d+\.\d%")


@pytest.fixture
def inspector(client, db):
    staff_create(username="inspector", password="correct horse battery",
                 organisation="police:kent", role="inspector")
    client.login(username="inspector", password="correct horse battery")
    return client


def welsh(client):
    assert client.get("/language/cy/?next=/inspection/").status_code == 302
    return client


def page(client, url):
    with clock.frozen(NOW):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_every_word_of_the_registry_has_welsh_and_stays_english_in_the_data():
    words = {w for m in all_metrics() for w in (m.title, m.numerator, m.denominator)}
    words |= set(OUTCOME_LABELS.values()) | set(DIMENSION_LABELS.values())
    words |= {STAGES[m.stage] for m in all_metrics()} | set(POSITIONS)
    with translation.override("cy"):
        missing = sorted(w for w in words if translated(w) == w)
    assert missing == []
    with translation.override("en"):
        assert all(translated(w) == w for w in words)
    child = next(m for m in FINDINGS if m.id == "child_video_consent_sought")
    assert child.numerator == ("forces that sought consent in at least 80% of their "
                               "video-recorded interviews with children")
    with translation.override("cy"):
        assert translated(child.numerator).startswith(
            "heddluoedd a ofynnodd am gydsyniad mewn o leiaf 80% o’u cyfweliadau")


def test_the_interval_reads_in_the_page_language():
    count = Count({"yes": 9, "no": 1}, 9, 10)
    with translation.override("cy"):
        assert INTERVAL_CY.fullmatch(interval(count))
    with translation.override("en"):
        assert INTERVAL_EN.fullmatch(interval(count))


def test_the_dashboard_reads_in_welsh(inspector, data):
    html = page(welsh(inspector), "/inspection/?year=2024")
    assert CALL_HANDLING_CY in html  # a finding
    assert REFERRAL_CY in html  # an entitlement
    assert INTERVAL_CY.search(html)
    assert ">Cyswllt cyntaf<" in html  # a stage
    assert '<svg role="img" aria-label="Siart bar: Canfyddiadau’r arolygiaethau' in html
    for english in (CALL_HANDLING_EN, "Referral to victims&#x27; services", ">First contact<",
                    "Bar chart:", "Findings of the inspectorates"):
        assert english not in html
    assert not INTERVAL_EN.search(html)


def test_the_dashboard_in_english_is_as_before(inspector, data):
    html = page(inspector, "/inspection/?year=2024")
    assert CALL_HANDLING_EN in html
    assert "Referral to victims&#x27; services" in html
    assert INTERVAL_EN.search(html)
    assert '<svg role="img" aria-label="Bar chart: Findings of the inspectorates' in html
    assert CALL_HANDLING_CY not in html


def test_a_metric_page_reads_in_welsh(inspector, data):
    welsh(inspector)
    html = page(inspector, "/inspection/metrics/entitlement.referral_to_victim_services/"
                           "?year=2024")
    assert f"<h1 class=\"govuk-heading-l\">{REFERRAL_CY}</h1>" in html
    assert f"dyletswyddau ‘{REFERRAL_CY}’ a gyflawnwyd mewn pryd" in html  # the numerator
    result = html.split('data-testid="result">')[1].split("</dd>")[0]
    assert re.search(r"<strong>\d+ o \d+</strong> \(\d+\.\d%; cyfwng 95% \d+\.\d% i "
                     r"\d+\.\d%\)", result)
    assert "Cyflawnwyd mewn pryd: " in result and "Byth (torrwyd): " in result
    assert '<svg role="img" aria-label="Plot twndis: ' in html
    assert "yn ôl ardal heddlu" in html
    assert "Yn ôl grŵp troseddau" in html and ">Grŵp troseddau<" in html
    assert ">estynedig<" in html or ">safonol<" in html  # the category's groups
    by_force = html.split('data-testid="by-force"')[1].split("</table>")[0]
    assert "o fewn y terfynau" in by_force
    for english in ("duties of", "met on time", "Met on time", "Never (breached)",
                    "95% interval", "By offence group", "by police force area",
                    "within limits", "Funnel plot:", ">enhanced<", ">standard<"):
        assert english not in html
    assert not INTERVAL_EN.search(html)

    finding = page(inspector, "/inspection/metrics/child_video_consent_sought/?year=2024")
    assert "heddluoedd a ofynnodd am gydsyniad mewn o leiaf 80%" in finding
    assert "forces that sought consent" not in finding


def test_the_sample_pages_and_forms_read_in_welsh(inspector, data):
    welsh(inspector)
    html = page(inspector, "/inspection/samples/")
    for cy in ("Enw’r sampl", "Hedyn ar hap", "Mae’r un hedyn yn tynnu’r un ffeiliau eto.",
               ">Unrhyw un<", f">{FRTI_CY}<"):
        assert cy in html
    for english in ("Name of the sample", "Random seed", ">Any<", "Read for the finding",
                    "FRTI: notifications to bereaved families"):
        assert english not in html
    response = inspector.post("/inspection/samples/", {"name": "Sampl", "seed": "5",
                                                       "per_stratum": "1"}, follow=True)
    assert re.search(r"Tynnwyd \d+ ffeil achos\.", response.content.decode())

    with clock.frozen(NOW):
        sample = sample_draw(name="FRTI", seed=1, per_stratum=2,
                             finding="frti_notifications_standard")
    files = list(sample.files.select_related("case"))
    judgement_record(case=files[0].case, finding="frti_notifications_standard",
                     outcome="fully", sample=sample)
    results = page(inspector, f"/inspection/samples/{sample.pk}/")
    assert FRTI_CY in results
    assert "Bodlonwyd yn llawn" in results and "Bodlonwyd yn rhannol" in results
    assert "Fully met" not in results and "Partially met" not in results

    url = f"/inspection/samples/{sample.pk}/files/{files[1].pk}/"
    judge = page(inspector, url)
    for cy in (">Canfyddiad<", "Y digwyddiad a farnwyd (dewisol)", ">Nodiadau<",
               ">Bodlonwyd yn rhannol<", ">Ni fodlonwyd<", f">{FRTI_CY}<"):
        assert cy in judge
    for english in ("Event judged", "Not met<", "The id of the event judged"):
        assert english not in judge
    response = inspector.post(url, {"finding": "frti_notifications_standard",
                                    "outcome": "partially"}, follow=True)
    assert f"Cofnodwyd dyfarniad ar gyfer {files[1].case.reference}." in (
        response.content.decode())


def test_the_import_page_and_its_problems_read_in_welsh(inspector, data):
    welsh(inspector)
    html = page(inspector, "/inspection/judgements/import/")
    assert "Ffeil CSV o ddyfarniadau" in html and "Colofnau: case, finding, outcome" in html
    assert "CSV file of judgements" not in html
    reference = Case.objects.first().reference
    upload = io.BytesIO((f"case,finding,outcome\nNO/SUCH,special_measures_timely,fully\n"
                         f"{reference},nope,brilliant\n").encode())
    upload.name = "judgements.csv"
    problems = inspector.post("/inspection/judgements/import/",
                              {"file": upload}).content.decode()
    assert "Llinell 2, case: dim achos &#x27;NO/SUCH&#x27;" in problems
    assert "Llinell 3, finding: canfyddiad anhysbys" in problems
    assert "Llinell 3, outcome: nid yw &#x27;brilliant&#x27; yn fully, partially na not_met" \
        in problems
    for english in ("no case", "unknown finding", "is not fully"):
        assert english not in problems
