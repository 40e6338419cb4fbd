"""Secrets come only from the environment: no file in the repository holds a private key, a
GOV.UK Notify or other service API key, one of our own API tokens, a password in a URL, or a
secret-looking setting with a value."""

from __future__ import annotations

import re
import subprocess
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----"),
    # GOV.UK Notify: {key name}-{service id}-{secret}, two UUIDs.
    "Notify API key": re.compile(rf"\b[\w-]+-{_UUID}-{_UUID}\b"),
    "Victim Journey API token": re.compile(r"\bvj_[A-Za-z0-9_-]{43}\b"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "password in a URL": re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:([^/\s@'\"]+)@"),
}
# Names whose value is a secret.
SECRET_NAME = r"[A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|PRIVATE_KEY|FIELD_KEYS|INDEX_KEY)"
# In Python settings: NAME = "literal". Development-only values (`_DEV_...`) are allowed: the
# settings refuse them whenever DEBUG is off.
PY_ASSIGNMENT = re.compile(rf"^\s*(?!_DEV_)({SECRET_NAME}[A-Z0-9_]*)\s*(?::[^=]+)?=\s*[rbuf]*['\"]"
                           r"([^'\"]+)['\"]", re.MULTILINE)
# In environment files: NAME=value (a comment line is not a setting).
ENV_ASSIGNMENT = re.compile(rf"^\s*(?:export\s+)?({SECRET_NAME}[A-Z0-9_]*)=(\S+)", re.MULTILINE)
# Placeholders in documentation of URLs (user:password@host).
PLACEHOLDER_PASSWORDS = {"password", "pass", "secret", "PASSWORD", "***", "xxx"}


def repository_files() -> list[Path]:
    """Tracked files and new ones not ignored (what a commit could carry)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
            capture_output=True, check=True, timeout=60).stdout.decode().split("\0")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [ROOT / name for name in listed if name and (ROOT / name).is_file()]


def text_of(path: Path) -> str | None:
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return None  # binary (images, compiled translations)
    return data.decode("utf-8", errors="replace")


def findings(name: str, text: str) -> list[str]:
    """What looks like a secret in the text of the file called NAME."""
    found = []
    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            if kind == "password in a URL" and match.group(1) in PLACEHOLDER_PASSWORDS:
                continue
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{name}:{line}: {kind}")
    settings_like = name.startswith("config/") or name.endswith(("settings.py", "conf.py"))
    if name.endswith(".py") and settings_like:
        for match in PY_ASSIGNMENT.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{name}:{line}: {match.group(1)} has a value in the code")
    if Path(name).name.startswith(".env") or name.endswith((".env", ".ini", ".cfg")):
        for match in ENV_ASSIGNMENT.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{name}:{line}: {match.group(1)} has a value in the file")
    return found


def test_no_file_in_the_repository_holds_a_secret():
    files = repository_files()
    assert any(p.name == "settings.py" for p in files) and any(p.name == ".env.example"
                                                                for p in files)
    problems = []
    for path in files:
        text = text_of(path)
        if text is not None:
            problems += findings(path.relative_to(ROOT).as_posix(), text)
    assert problems == []


def _notify_key() -> str:
    return f"live_key-{uuid.uuid4()}-{uuid.uuid4()}"


@pytest.mark.parametrize("name, text, kind", [
    ("docs/x.md", "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIE...", "private key"),
    ("deploy/key.pem", "-----BEGIN " + "PRIVATE KEY-----", "private key"),
    ("victimjourney/x.py", f'KEY = "{_notify_key()}"', "Notify API key"),
    ("bench/x.py", "token = 'vj_" + "A" * 43 + "'", "Victim Journey API token"),
    ("scripts/x", "AKIA" + "ABCDEFGHIJKLMNOP", "AWS access key"),
    ("README.md", "postgres://app:" + "s3cr3t-pw@db:5432/vj", "password in a URL"),
    ("config/settings.py", 'EMAIL_HOST_PASSWORD = "' + 'hunter22"', "EMAIL_HOST_PASSWORD"),
    ("config/settings.py", "NOTIFY_API_KEY: str = '" + "abc'", "NOTIFY_API_KEY"),
    (".env.example", "NOTIFY_CALLBACK_TOKEN=" + "abc123", "NOTIFY_CALLBACK_TOKEN"),
    (".env.example", "VJ_FIELD_KEYS=" + "ZmFrZQ==", "VJ_FIELD_KEYS"),
])
def test_the_scan_finds_each_kind_of_secret(name, text, kind):
    found = findings(name, text)
    assert len(found) == 1 and kind in found[0], found


@pytest.mark.parametrize("name, text", [
    ("config/settings.py", 'EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", default="")'),
    ("config/settings.py", '_DEV_SECRET = "insecure-development-key"'),
    (".env.example", "NOTIFY_API_KEY=\n# OIDC_RP_CLIENT_SECRET=abc\nDJANGO_SECRET_KEY="),
    (".env.example", "# postgres://user:password@host:5432/victimjourney"),
    ("tests/x.py", f"service_id = '{uuid.uuid4()}'"),
    ("victimjourney/x.py", 'TOKEN_PREFIX = "vj_"'),
])
def test_the_scan_passes_code_that_reads_secrets_from_the_environment(name, text):
    assert findings(name, text) == []
