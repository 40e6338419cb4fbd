"""The inspection metrics, run on an imported synthetic year, recover its ground truth exactly:
every tracked duty by force and status, and the findings the generator shaped."""

import datetime as dt
import json

import pytest
from django.core.management import call_command

from victimjourney.core import clock
from victimjourney.duties.services import feed_import
from victimjourney.synthetic.national import national_write
from victimjourney.synthetic.truth import FINDING_METRICS


@pytest.mark.slow
@pytest.mark.django_db
def test_the_metrics_by_force_recover_the_truth(tmp_path, capsys):
    path = tmp_path / "year.jsonl"
    national_write(str(path), scale=0.00025, seed=21)
    truth = json.loads((tmp_path / "year.jsonl.truth.json").read_text(encoding="utf-8"))
    with clock.frozen(dt.datetime(2026, 3, 1, tzinfo=dt.UTC)), open(path, encoding="utf-8") as f:
        feed_import(lines=f, source="synthetic national year")
    capsys.readouterr()
    call_command("metrics", "--as-of", truth["truth_as_of"], "--format", "json",
                 "--dimensions", "force")
    metrics = {m["id"]: m for m in json.loads(capsys.readouterr().out)}
    compared = 0
    for ent in truth["tracked_entitlements"]:
        by_force = metrics[f"entitlement.{ent}"]["breakdowns"]["force"]
        for force, body in truth["forces"].items():
            expected = body["duties"].get(ent, dict.fromkeys(by_force.get(
                f"police:{force}", {}).get("parts", {}), 0))
            found = by_force.get(f"police:{force}", {}).get("parts", {})
            assert {s: found.get(s, 0) for s in expected} == expected, (ent, force)
            compared += sum(expected.values())
    for name, metric in FINDING_METRICS.items():
        by_force = metrics[metric]["breakdowns"]["force"]
        for force, body in truth["forces"].items():
            expected = body["findings"].get(name, {})
            found = {o: n for o, n in by_force.get(f"police:{force}", {}).get(
                "parts", {}).items() if n}
            assert found == expected, (name, force)
    assert compared > 10_000
    assert sum(sum(f["findings"].get("no_crime_victim_told", {}).values())
               for f in truth["forces"].values()) > 0
