"""Metrics for several periods in one pass, and the breakdowns grouped where the units stand:
the same figures as each period computed alone, and as the units materialised first.

The crimes below are reported either side of the boundaries between the periods (local
dates in England and Wales: midnight is 23:00 UTC in summer), so a unit filtered or labelled
on the wrong side of a boundary changes a count."""

import datetime as dt
import json

import pytest

from tests.helpers import raw
from victimjourney.core import clock
from victimjourney.duties.services import feed_import
from victimjourney.inspection import metrics
from victimjourney.inspection.metrics import Period, metrics_compute, metrics_compute_periods
from victimjourney.inspection.registry import metric_by_id
from victimjourney.inspection.source import source_django
from victimjourney.synthetic.generator import generate

NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
YEARS = (Period.year(2024), Period.year(2023))
# Summer months: each starts at 23:00 UTC on the last day of the month before.
MONTHS = (Period("2024-06-01", "2024-07-01"), Period("2024-05-01", "2024-06-01"))
OTHER_SYSTEMS = "recorded_via_other_systems"


def _reported(case: str, when: str, *, recorded: bool) -> list[dict]:
    """A crime reported on a specialist system at WHEN (local time), recorded or not."""
    where = dict(case=case, provider="police:kent")
    out = [raw(f"{case}-1", "crime.reported", when, offence="theft", offence_group="theft",
               channel="specialist_system", **where)]
    if recorded:
        out.append(raw(f"{case}-2", "crime.recorded", when, **where))
    return out


BOUNDARY_CRIMES = [
    *_reported("KEN/8000001/23", "2023-12-31 23:59:59", recorded=True),   # 2023
    *_reported("KEN/8000002/24", "2024-01-01 00:00:00", recorded=False),  # 2024
    *_reported("KEN/8000003/24", "2024-05-31 23:30:00", recorded=True),   # May (22:30 UTC)
    *_reported("KEN/8000004/24", "2024-06-01 00:30:00", recorded=False),  # June (23:30 UTC)
    *_reported("KEN/8000005/24", "2024-12-31 23:59:59", recorded=False),  # 2024
    *_reported("KEN/8000006/25", "2025-01-01 00:00:00", recorded=True),   # neither year
]


@pytest.fixture
def years(db):
    with clock.frozen(NOW):
        for year, seed in ((2023, 5), (2024, 6)):
            feed_import(lines=[json.dumps(line) for line in generate(cases=80, seed=seed,
                                                                     year=year)],
                        source=f"synthetic {year}")
        feed_import(lines=[json.dumps(line) for line in BOUNDARY_CRIMES], source="boundaries")


def _figures(results):
    return {r.metric.id: r.as_dict() for r in results}


def _other_systems(results) -> dict[str, int]:
    return {r.metric.id: r.overall.parts for r in results}[OTHER_SYSTEMS]


@pytest.mark.django_db
@pytest.mark.parametrize("periods", [YEARS, MONTHS], ids=["years", "summer months"])
def test_periods_in_one_pass_give_each_period_its_own_figures(years, periods):
    together = metrics_compute_periods(source_django(), as_of=NOW, periods=periods,
                                       dimensions=("force",))
    alone = [metrics_compute(source_django(), as_of=NOW, period=p, dimensions=("force",))
             for p in periods]
    assert [_figures(r) for r in together] == [_figures(r) for r in alone]
    referral = {r.metric.id: r for r in together[0]}["entitlement.referral_to_victim_services"]
    assert referral.overall.denominator > 0


@pytest.fixture
def boundaries(db):
    with clock.frozen(NOW):
        feed_import(lines=[json.dumps(line) for line in BOUNDARY_CRIMES], source="boundaries")


@pytest.mark.django_db
def test_a_unit_counts_in_the_period_of_its_local_date(boundaries):
    chosen = [metric_by_id()[OTHER_SYSTEMS]]
    in_2024, in_2023 = metrics_compute_periods(source_django(), as_of=NOW, periods=YEARS,
                                               metrics=chosen, dimensions=("force",))
    assert _other_systems(in_2024) == {"yes": 1, "no": 3}  # 1 Jan 00:00 ... 31 Dec 23:59:59
    assert _other_systems(in_2023) == {"yes": 1, "no": 0}  # 31 Dec 2023 23:59:59
    june, may = metrics_compute_periods(source_django(), as_of=NOW, periods=MONTHS,
                                        metrics=chosen, dimensions=())
    assert _other_systems(june) == {"yes": 0, "no": 1}  # 00:30 BST on 1 June: 23:30 UTC
    assert _other_systems(may) == {"yes": 1, "no": 0}  # 23:30 BST on 31 May
    for together, period in ((in_2024, YEARS[0]), (in_2023, YEARS[1]), (june, MONTHS[0]),
                             (may, MONTHS[1])):
        alone = metrics_compute(source_django(), as_of=NOW, period=period, metrics=chosen,
                                dimensions=())
        assert _other_systems(together) == _other_systems(alone)


@pytest.mark.django_db
def test_overlapping_periods_are_computed_one_by_one(years):
    whole, part = metrics_compute_periods(
        source_django(), as_of=NOW, periods=(Period.year(2024), MONTHS[0]), dimensions=())
    alone = metrics_compute(source_django(), as_of=NOW, period=MONTHS[0], dimensions=())
    assert _figures(part) == _figures(alone)
    assert _other_systems(whole)["no"] > _other_systems(part)["no"]


@pytest.mark.django_db
@pytest.mark.parametrize("dimensions", [("force",), ("force", "month"), ("category",)])
def test_breakdowns_grouped_where_the_units_stand_equal_those_of_the_materialised_units(
        years, monkeypatch, dimensions):
    direct = metrics_compute_periods(source_django(), as_of=NOW, periods=YEARS,
                                     dimensions=dimensions)
    monkeypatch.setattr(metrics, "DIRECT_DIMENSIONS", 0)
    materialised = metrics_compute_periods(source_django(), as_of=NOW, periods=YEARS,
                                           dimensions=dimensions)
    assert [_figures(r) for r in direct] == [_figures(r) for r in materialised]
    by_id = {r.metric.id: r for r in direct[0]}
    referral = by_id["entitlement.referral_to_victim_services"]
    dim = dimensions[0]
    assert sum(c.denominator for c in referral.breakdowns[dim].values()) == (
        referral.overall.denominator) > 0


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_session_settings_for_metrics_are_restored_afterwards(years):
    from django.db import connection

    def settings():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('work_mem'), current_setting('jit'), "
                           "current_setting('enable_sort')")
            return cursor.fetchone()

    before = settings()
    metrics_compute(source_django(), as_of=NOW, period=YEARS[0], dimensions=("force",))
    assert settings() == before
