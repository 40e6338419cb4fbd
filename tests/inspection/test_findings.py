"""Every row of findings.md, reproduced exactly from a feed equivalent to the seed's samples.

One database build serves every assertion (the feed is about 30,000 events): the metrics on
the database itself (SQLite or PostgreSQL, whichever the run uses), for the year 2014, and
over the Parquet export of the same tables in DuckDB.
"""

import datetime as dt

import pytest

from tests.inspection.seed_feed import EXPECTED, EXPECTED_PARTS, build
from victimjourney.core import clock
from victimjourney.duties.services import feed_import
from victimjourney.inspection.metrics import Period, metrics_compute
from victimjourney.inspection.registry import FINDINGS
from victimjourney.inspection.services import judgements_import
from victimjourney.inspection.source import source_django, source_parquet, tables_export

AS_OF = dt.datetime(2015, 6, 30, tzinfo=dt.UTC)
JUDGED_AT = dt.datetime(2015, 3, 2, 10, tzinfo=dt.UTC)


def _figures(results):
    return {r.metric.id: (r.overall.numerator, r.overall.denominator) for r in results}


@pytest.mark.slow
@pytest.mark.django_db
def test_the_seed_report_figures_are_reproduced_exactly(tmp_path):
    feed = build()
    feed_import(lines=feed.jsonl(), source="seed samples")
    with clock.frozen(JUDGED_AT):  # the files were read in early 2015
        assert judgements_import(rows=feed.judgements, source="seed samples") == 3584

    results = metrics_compute(source_django(), as_of=AS_OF, metrics=FINDINGS,
                              dimensions=("force", "year"))
    assert _figures(results) == EXPECTED
    by_id = {r.metric.id: r for r in results}
    for metric_id, parts in EXPECTED_PARTS.items():
        assert by_id[metric_id].overall.parts == parts, metric_id
    assert {m.id for m in FINDINGS} == set(EXPECTED)

    # Every unit of the sample started in 2014: the year's report shows the same figures.
    yearly = metrics_compute(source_django(), as_of=AS_OF, period=Period.year(2014),
                             metrics=FINDINGS, dimensions=())
    assert _figures(yearly) == EXPECTED
    assert by_id["no_crime_victim_told"].breakdowns["year"]["2014"].denominator == 3062

    # The same definitions over the Parquet export, in DuckDB.
    tables_export(source_django(), tmp_path)
    duck = metrics_compute(source_parquet(tmp_path), as_of=AS_OF, metrics=FINDINGS,
                           dimensions=("force",))
    assert _figures(duck) == EXPECTED
    assert ({k: v.as_dict()["numerator"] for k, v in by_id["vi_letter_within_one_day"]
             .breakdowns["force"].items()}
            == {k: v.as_dict()["numerator"] for k, v in
                {r.metric.id: r for r in duck}["vi_letter_within_one_day"]
                .breakdowns["force"].items()})
