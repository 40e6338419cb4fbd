"""The annual report: written as HTML and PDF; a page of the PDF renders to a picture.

Rendering a PDF page to PNG uses pdftoppm (Debian's poppler-utils)."""

import datetime as dt
import json
import shutil
import subprocess

import pytest
from django.core.management import call_command

from victimjourney.core import clock
from victimjourney.duties.services import feed_import
from victimjourney.inspection.report import report_build, two_proportions
from victimjourney.inspection.source import source_django
from victimjourney.synthetic.generator import generate

NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def two_years(db):
    with clock.frozen(NOW):
        for year, seed in ((2023, 3), (2024, 4)):
            feed_import(lines=[json.dumps(line)
                               for line in generate(cases=250, seed=seed, year=year)],
                        source=f"synthetic {year}")


@pytest.mark.django_db
def test_the_report_has_a_chapter_per_stage_gaps_and_the_change_since_last_year(two_years):
    report = report_build(source_django(), year=2024, as_of=NOW)
    assert [c.stage for c in report.chapters] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert [c.name for c in report.chapters][:2] == ["first contact", "response"]
    referral = next(r for r in report.results
                    if r.metric.id == "entitlement.referral_to_victim_services")
    assert referral.overall.denominator > 0
    assert sum(c.denominator for _, c, _ in report.chapters[1].by_force) == (
        report.chapters[1].pooled.denominator)
    gap_ids = {gap[1] for gap in report.gaps}
    assert "entitlement.complaint_response" in gap_ids  # the generator makes no complaints
    assert "no_crime_incorrect" in gap_ids  # no judgements recorded
    assert "entitlement.referral_to_victim_services" not in gap_ids
    change = next(c for c in report.changes
                  if c.metric_id == "entitlement.referral_to_victim_services")
    assert change.before.denominator > 0 and change.after.denominator > 0


def test_two_proportions_by_hand():
    # 50/100 against 60/100: pooled 0.55, se = sqrt(.55 * .45 * .02) = 0.070356, z = 1.4213.
    assert round(two_proportions(50, 100, 60, 100), 4) == 0.1552
    assert two_proportions(1, 0, 1, 1) is None


@pytest.mark.slow
@pytest.mark.django_db
def test_the_report_is_written_as_html_and_pdf_and_a_page_renders(two_years, tmp_path):
    call_command("report", "--year", "2024", "--out", str(tmp_path),
                 "--as-of", NOW.isoformat())
    html = (tmp_path / "report-2024.html").read_text()
    assert "Victims' Code compliance: the consolidated report for 2024" in html
    assert html.count('<section class="chapter" id="stage-') == 8
    assert "Gaps in coverage" in html and "Change since 2023" in html
    assert '<svg role="img" aria-label="Funnel plot:' in html
    pdf = tmp_path / "report-2024.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert (tmp_path / "metrics-2024.csv").read_text().startswith("metric,")
    assert (tmp_path / "metrics-2024.parquet").stat().st_size > 0
    assert shutil.which("pdftoppm"), "pdftoppm (poppler-utils) is needed to render the PDF"
    subprocess.run(["pdftoppm", "-f", "2", "-l", "2", "-r", "40", "-png", str(pdf),
                    str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG")
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert (width, height) == (331, 468)  # A4 at 40 dpi
