"""The commands: metrics (JSON, table, CSV/Parquet, DuckDB over an export) and sample."""

import datetime as dt
import json

import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command

from victimjourney.core import clock
from victimjourney.duties.services import feed_import
from victimjourney.synthetic.generator import generate

NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
AS_OF = "2025-03-01T00:00:00+00:00"


@pytest.fixture
def data(db):
    with clock.frozen(NOW):
        feed_import(lines=[json.dumps(line) for line in generate(cases=150, seed=9,
                                                                 year=2024)],
                    source="synthetic")


@pytest.mark.django_db
def test_metrics_as_json_lists_every_metric_with_counts_and_breakdowns(data, capsys):
    call_command("metrics", "--as-of", AS_OF, "--format", "json",
                 "--dimensions", "force,month,category")
    out = json.loads(capsys.readouterr().out)
    by_id = {m["id"]: m for m in out}
    assert "recorded_via_call_handling" in by_id
    referral = by_id["entitlement.referral_to_victim_services"]
    assert {"id", "numerator", "denominator", "value", "breakdowns", "numerator_words",
            "denominator_words"} <= set(referral)
    assert referral["denominator"] == sum(
        referral["parts"][o] for o in ("met", "late", "breached"))
    assert referral["value"] == referral["numerator"] / referral["denominator"]
    assert sum(g["denominator"] for g in referral["breakdowns"]["force"].values()) == (
        referral["denominator"])
    assert set(referral["breakdowns"]["category"]) <= {"enhanced", "standard"}
    assert all(month.startswith("2024-") or month.startswith("2025-")
               for month in referral["breakdowns"]["month"])


@pytest.mark.django_db
def test_the_same_metrics_run_in_duckdb_over_the_parquet_export(data, tmp_path, capsys):
    call_command("metrics", "--export-tables", str(tmp_path / "tables"))
    capsys.readouterr()
    call_command("metrics", "--as-of", AS_OF, "--format", "json", "--dimensions", "force")
    on_db = {m["id"]: (m["numerator"], m["denominator"], m["breakdowns"])
             for m in json.loads(capsys.readouterr().out)}
    call_command("metrics", "--as-of", AS_OF, "--format", "json", "--dimensions", "force",
                 "--parquet", str(tmp_path / "tables"))
    on_duck = {m["id"]: (m["numerator"], m["denominator"], m["breakdowns"])
               for m in json.loads(capsys.readouterr().out)}
    assert on_duck == on_db


@pytest.mark.django_db
def test_metric_tables_export_as_csv_and_parquet(data, tmp_path, capsys):
    call_command("metrics", "--as-of", AS_OF, "--dimensions", "force",
                 "--metric", "entitlement.referral_to_victim_services",
                 "--out", str(tmp_path / "m.csv"))
    call_command("metrics", "--as-of", AS_OF, "--dimensions", "force",
                 "--metric", "entitlement.referral_to_victim_services",
                 "--out", str(tmp_path / "m.parquet"))
    table = capsys.readouterr().out
    assert "entitlement.referral_to_victim_services" in table
    rows = pq.read_table(tmp_path / "m.parquet").to_pylist()
    csv_lines = (tmp_path / "m.csv").read_text().splitlines()
    assert len(csv_lines) == len(rows) + 1
    overall = next(r for r in rows if r["dimension"] == "all")
    forces = [r for r in rows if r["dimension"] == "force"]
    assert sum(r["denominator"] for r in forces) == overall["denominator"]


@pytest.mark.django_db
def test_bad_arguments_are_refused():
    with pytest.raises(CommandError, match="unknown metric"):
        call_command("metrics", "--metric", "nonsense")
    with pytest.raises(CommandError, match="--as-of"):
        call_command("metrics", "--as-of", "2024-01-01T00:00:00")
    with pytest.raises(CommandError, match="unknown dimension"):
        call_command("metrics", "--dimensions", "colour")


@pytest.mark.django_db
def test_sample_command_draws_a_repeatable_sample(data, capsys):
    call_command("sample", "--seed", "3", "--per-force", "2", "--year", "2024")
    first = capsys.readouterr().out.splitlines()[1:]
    call_command("sample", "--seed", "3", "--per-force", "2", "--year", "2024")
    again = capsys.readouterr().out.splitlines()[1:]
    assert first == again
    assert len(first) > 0
    with pytest.raises(CommandError, match="--seed"):
        call_command("sample")
