"""The scanners' outcomes: pip-audit's "not audited" is told apart from "clean" and from
"vulnerable"; every finding accepted in the bandit baseline is justified in FINDINGS.md."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECURITY = ROOT / "security"
_spec = importlib.util.spec_from_file_location("pip_audit_check",
                                               SECURITY / "pip_audit_check.py")
assert _spec and _spec.loader
check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check)

DJANGO_VULN = {"id": "PYSEC-2099-1", "aliases": ["CVE-2099-0001"], "fix_versions": ["5.2.99"],
               "description": "..."}


def dep(name, version="1.0", vulns=()):
    return {"name": name, "version": version, "vulns": list(vulns)}


def skipped(name):
    return {"name": name, "skip_reason": f"Dependency not found on PyPI and could not be "
                                         f"audited: {name} (1.0)"}


@pytest.mark.parametrize("report, justified, code", [
    ({"dependencies": [dep("django"), dep("rich")], "fixes": []}, set(), 0),
    ({"dependencies": [dep("django", "5.2.19", [DJANGO_VULN]), dep("rich")]}, set(), 1),
    ({"dependencies": [dep("django", "5.2.19", [DJANGO_VULN])]}, {"PYSEC-2099-1"}, 0),
    ({"dependencies": [dep("django", "5.2.19", [DJANGO_VULN])]}, {"CVE-2099-0001"}, 0),
    ({"dependencies": [skipped("django"), skipped("rich")]}, set(), 3),  # a 404 mirror
    ({"dependencies": [dep("django"), skipped("rich")]}, set(), 3),  # partly audited
    ({"dependencies": [dep("django", "5.2.19", [DJANGO_VULN]), skipped("rich")]}, set(), 1),
    (None, set(), 3),  # pip-audit could not connect and wrote no report
])
def test_the_audit_outcome_separates_clean_vulnerable_and_not_audited(report, justified, code):
    outcome, lines = check.classify(report, justified)
    assert outcome == code
    if code == 1:
        assert lines == ["django 5.2.19: PYSEC-2099-1 (fixed in 5.2.99)"]
    if code == 3 and report:
        assert lines[0].endswith("packages were not audited")


def test_justified_advisories_are_read_from_list_items_only():
    text = ("Some prose mentioning `PYSEC-2000-1`.\n"
            "- `GHSA-abcd-efgh-ijkl` pyyaml 6.0.4: not reachable\n"
            "- `PYSEC-2024-7` django 5.2.19: fixed by setting X\n")
    assert check.justified_ids(text) == {"GHSA-abcd-efgh-ijkl", "PYSEC-2024-7"}


def test_every_accepted_bandit_finding_is_justified_in_findings():
    baseline = json.loads((SECURITY / "bandit-baseline.json").read_text(encoding="utf-8"))
    findings = (SECURITY / "FINDINGS.md").read_text(encoding="utf-8")
    accepted = [f"- {r['test_id']}, {r['filename']}:{r['line_number']}"
                for r in baseline["results"]]
    assert accepted
    assert [line for line in accepted if line not in findings] == []
    listed = sum(1 for line in findings.splitlines() if line.startswith("- B"))
    assert listed == len(accepted)


def test_bandit_baseline_is_the_code_as_it_stands():
    """bandit over the code finds exactly the baseline's findings, at the lines FINDINGS.md
    names: a new finding (which scripts/test's bandit step refuses) or a finding gone or moved
    (a stale justification) fails here, in pytest, before CI."""
    bandit = Path(sys.executable).with_name("bandit")
    if not bandit.exists():
        pytest.skip("bandit is not installed (scripts/bootstrap --dev installs it)")
    run = subprocess.run(
        [str(bandit), "-q", "-c", "pyproject.toml", "-r", "victimjourney", "config", "-f", "json"],
        cwd=ROOT, capture_output=True, text=True, check=False)
    report = json.loads(run.stdout)
    assert report["errors"] == []

    def keyed(results):
        return sorted((r["test_id"], r["filename"], r["line_number"]) for r in results)

    baseline = json.loads((SECURITY / "bandit-baseline.json").read_text(encoding="utf-8"))
    assert keyed(report["results"]) == keyed(baseline["results"])
