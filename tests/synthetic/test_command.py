"""victimjourney generate: the feed, the ground truth beside it, and its refusals."""

import json

import pytest
from django.core.management import CommandError, call_command


def test_generate_writes_the_feed_and_its_ground_truth(tmp_path, capsys):
    out = tmp_path / "year.jsonl"
    call_command("generate", "--scale", "0.0001", "--seed", "7", "--out", str(out), "--quiet")
    message = capsys.readouterr().out
    lines = out.read_text(encoding="utf-8").splitlines()
    truth = json.loads((tmp_path / "year.jsonl.truth.json").read_text(encoding="utf-8"))
    assert truth["recorded_crimes"] == 670
    assert truth["events"] == len(lines)
    assert truth["seed"] == 7 and truth["scale"] == 0.0001 and truth["year"] == 2024
    assert truth["truth_as_of"] == "2026-01-01T00:00:00+00:00"
    assert set(truth["parameters"]["forces"]) == set(truth["forces"]) == set(
        truth["force_volumes"])
    assert f"670 recorded crimes, {truth['cases']} cases, {len(lines)} events" in message


def test_the_truth_can_go_elsewhere_and_the_year_can_change(tmp_path):
    call_command("generate", "--scale", "0.00005", "--seed", "1", "--year", "2023",
                 "--out", str(tmp_path / "f.jsonl"), "--truth", str(tmp_path / "t.json"),
                 "--quiet")
    truth = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert truth["truth_as_of"].startswith("2025-01-01")
    first = json.loads((tmp_path / "f.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["occurred_at"].startswith("2023-01")


@pytest.mark.parametrize(("args", "error"), [
    (["--scale", "0"], "--scale must be above 0"),
    (["--scale", "0.1", "--year", "2020"], "--year: the year must be between 2022"),
    (["--scale", "0.1", "--total", "0"], "--total must be at least 1"),
])
def test_impossible_requests_are_refused(tmp_path, args, error):
    with pytest.raises(CommandError, match=error):
        call_command("generate", *args, "--seed", "1", "--out", str(tmp_path / "x.jsonl"))


def test_an_unwritable_output_is_refused(tmp_path):
    with pytest.raises(CommandError, match="cannot write"):
        call_command("generate", "--scale", "0.00001", "--seed", "1", "--quiet",
                     "--out", str(tmp_path / "missing" / "x.jsonl"))
