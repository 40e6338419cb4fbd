"""Audit the pinned dependencies (constraints.txt) with pip-audit and tell apart what
scripts/test must not confuse:

  exit 0  every pinned package was audited and none has a known vulnerability (other than
          those justified in security/FINDINGS.md);
  exit 1  known vulnerabilities were found (listed);
  exit 3  NOT audited: PyPI's vulnerability service could not be reached, or answered for
          none or only some of the packages (pip-audit itself reports these as "skipped" and
          still says "No known vulnerabilities found", which is not a pass).

Usage: python security/pip_audit_check.py [constraints.txt]
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLEAN, VULNERABLE, NOT_AUDITED = 0, 1, 3
# A justified advisory in FINDINGS.md: a list item that starts with its id in backticks.
_JUSTIFIED = re.compile(r"^- `((?:PYSEC|GHSA|CVE|OSV)-[\w.-]+)`", re.MULTILINE)


def justified_ids(findings: str) -> set[str]:
    return set(_JUSTIFIED.findall(findings))


def classify(report: dict | None, justified: set[str]) -> tuple[int, list[str]]:
    """The outcome of a pip-audit JSON report (None: pip-audit gave none) and lines saying
    why."""
    if report is None:
        return NOT_AUDITED, ["pip-audit produced no report (the service could not be reached)"]
    found, skipped, audited = [], [], 0
    for dep in report.get("dependencies", []):
        if "skip_reason" in dep:
            skipped.append(f"{dep['name']}: {dep['skip_reason']}")
            continue
        audited += 1
        for vuln in dep.get("vulns", []):
            ids = {vuln["id"], *vuln.get("aliases", [])}
            if ids & justified:
                continue
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed version"
            found.append(f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
    if found:
        return VULNERABLE, found
    if skipped:
        return NOT_AUDITED, [f"{len(skipped)} of {len(skipped) + audited} packages were not "
                             "audited", *skipped[:5], *(["..."] if len(skipped) > 5 else [])]
    return CLEAN, [f"{audited} packages audited: no known vulnerabilities"]


def main(argv: list[str]) -> int:
    requirements = argv[1] if len(argv) > 1 else "constraints.txt"
    pip_audit = Path(sys.executable).with_name("pip-audit")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        run = subprocess.run(  # noqa: S603 - fixed arguments, our own venv's pip-audit
            [str(pip_audit), "--progress-spinner", "off", "--disable-pip", "--no-deps",
             "-r", requirements, "-f", "json", "-o", str(out)],
            capture_output=True, text=True, check=False)
        try:
            report = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            report = None
    findings = (HERE / "FINDINGS.md").read_text(encoding="utf-8")
    code, lines = classify(report, justified_ids(findings))
    if report is None and run.stderr.strip():
        lines.append(run.stderr.strip().splitlines()[-1])
    for line in lines:
        print(line, file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
