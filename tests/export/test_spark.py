"""National analytics on Apache Spark: the same Ibis metric definitions over the Parquet export,
with the PySpark backend in local mode, give the same figures as DuckDB (and so as the
database). Needs the `spark` extra (scripts/bootstrap --dev installs it) and a Java runtime."""

import importlib.util
import shutil

import pytest

from victimjourney.inspection.export import export_metrics, export_write, spark_local

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("pyspark") is None,
                       reason="pyspark is not installed (the `spark` extra)"),
    pytest.mark.skipif(shutil.which("java") is None, reason="no Java runtime for Spark"),
]

DIMENSIONS = ("force",)


@pytest.fixture(scope="module")
def spark():
    session = spark_local(1, small=True)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _figures(results):
    return {r.metric.id: r.as_dict() for r in results}


@pytest.mark.django_db
def test_the_metrics_on_spark_over_the_export_equal_those_on_duckdb(feed, tmp_path, spark):
    export_write(tmp_path / "export", metrics=False)
    on_duck, _ = export_metrics(tmp_path / "export", dimensions=DIMENSIONS)
    on_spark, seconds = export_metrics(tmp_path / "export", backend="pyspark", spark=spark,
                                       dimensions=DIMENSIONS)
    assert _figures(on_spark) == _figures(on_duck)
    by_id = {r.metric.id: r for r in on_spark}
    assert by_id["child_video_consent_sought"].overall.parts == {"yes": 1, "no": 0}
    assert by_id["entitlement.referral_to_victim_services"].overall.denominator > 20
    # Spark's temporary relations are dropped afterwards.
    views = [row.viewName for row in spark.sql("SHOW VIEWS").collect()]
    assert "journey_event" in views
    assert not [v for v in views if v.startswith("vj_scratch_")]
    print(f"metrics on Spark (local[1]): {seconds:.1f} s")
