"""My duties: the first duties of each group with every group's true count, and each group in
full a page at a time."""

import re

import pytest

from tests.helpers import lines, raw
from victimjourney.duties.models import Duty
from victimjourney.duties.selectors import GROUPS, duties_in_group, todo_counts
from victimjourney.duties.services import feed_import
from victimjourney.workspace.views import OVERVIEW_SIZE

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_arrests(now):
    """60 Kent cases, each with an arrest on Tuesday: 60 breached one-day duties."""
    rows = []
    for n in range(60):
        ref = f"KEN/{100 + n}/26"
        rows += [raw(f"{ref}-1", "crime.reported", "2026-11-23 09:00", case=ref,
                     offence="criminal damage"),
                 raw(f"{ref}-2", "victim.identified", "2026-11-23 09:00", case=ref,
                     victim="V1", kind="person", name="A Person"),
                 raw(f"{ref}-3", "suspect.arrested", "2026-11-24 15:00", case=ref)]
    feed_import(lines=lines(*rows), source="test")
    return Duty.objects.filter(provider_id="police:kent", status="breached").count()


def test_counts_are_the_whole_groups_not_what_is_shown(kent_officer, many_arrests, now):
    counts = todo_counts(organisation="police:kent", now=now)
    assert set(counts) == set(GROUPS)
    assert counts["overdue"] == many_arrests >= 60
    for group in GROUPS:
        assert counts[group] == Duty.objects.filter(
            pk__in=[d.pk for d in duties_in_group(organisation="police:kent", now=now,
                                                  group=group, limit=10_000)]).count()
    text = kent_officer.get("/duties/").content.decode()
    section = re.search(r'<section id="overdue" data-count="(\d+)">(.*?)</section>', text, re.S)
    assert int(section.group(1)) == many_arrests
    assert section.group(2).count('data-status="breached"') == OVERVIEW_SIZE == 10
    assert f"See all {many_arrests} ({OVERVIEW_SIZE} shown here)" in section.group(2)


def test_a_group_is_listed_in_full_a_page_at_a_time(kent_officer, many_arrests):
    seen: list[str] = []
    page = 1
    while True:
        response = kent_officer.get(f"/duties/?show=overdue&page={page}")
        assert response.status_code == 200
        text = response.content.decode()
        seen += re.findall(r'href="/cases/([^"]+)/"', text)
        if 'rel="next"' not in text:
            break
        page += 1
    assert page == -(-many_arrests // 50)
    assert len(seen) == many_arrests  # every duty once, across the pages
    assert f"of {many_arrests}." in text
    assert kent_officer.get("/duties/?show=nonsense").status_code == 404
    assert kent_officer.get("/duties/?show=overdue&page=999").status_code == 200  # last page


def test_the_page_links_read_whole_in_english_and_in_welsh(kent_officer, many_arrests):
    title = r'rel="{}"><span class="govuk-pagination__link-title">(.*?)</span></a>'
    first = kent_officer.get("/duties/?show=overdue&page=1").content.decode()
    second = kent_officer.get("/duties/?show=overdue&page=2").content.decode()
    hidden = '<span class="govuk-visually-hidden"> page</span>'
    assert re.search(title.format("next"), first).group(1) == "Next" + hidden
    assert re.search(title.format("prev"), second).group(1) == "Previous" + hidden
    kent_officer.get("/language/cy/?next=/duties/")
    welsh = kent_officer.get("/duties/?show=overdue&page=1").content.decode()
    link = re.search(title.format("next"), welsh)
    # One unit, Welsh word order: no English, and no hidden noun after the adjective.
    assert link and link.group(1) == "Nesaf"
    assert "Tudalen 1 o 2" in welsh and " page<" not in welsh
