"""A large import analyses the tables it filled before it commits, so that what follows it in
the same transaction (the metrics of a report, in tests and in benchmarks) is planned from the
rows it stored: planned from statistics taken when the tables were empty, the seed report's
metrics ran for over ten minutes instead of ten seconds."""

import json

import pytest
from django.db import connection

from victimjourney.duties import services
from victimjourney.duties.services import feed_import
from victimjourney.synthetic.generator import generate

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _estimated(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def _empty_statistics() -> None:
    """The state the full test suite leaves: the tables analysed while empty (reltuples 0)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE journey_event, duties_duty, cases_case")
    assert _estimated("journey_event") == 0


@pytest.mark.parametrize("threshold, analysed", [(100, True), (10**9, False)])
def test_an_import_of_many_events_leaves_the_statistics_counting_them(monkeypatch, threshold,
                                                                      analysed):
    _empty_statistics()
    monkeypatch.setattr(services, "ANALYZE_AFTER", threshold)
    lines = [json.dumps(e) for e in generate(cases=40, seed=3)]
    result = feed_import(lines=lines, source="test")
    assert result.events_new > 100
    estimated = {t: _estimated(t) for t in ("journey_event", "duties_duty", "cases_case")}
    if analysed:
        assert estimated == {"journey_event": result.events_new,
                             "duties_duty": result.duties_written, "cases_case": 40}
    else:
        assert estimated == {"journey_event": 0, "duties_duty": 0, "cases_case": 0}
    # ANALYZE writes a table's row estimate in place, which the test's rollback does not undo:
    # leave the estimates counting rows rather than none, for the tests that follow.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE journey_event, duties_duty, cases_case")
