"""`check --deploy` is clean under the settings production gets from its environment (DEBUG off
and nothing else set: HTTPS, HSTS and secure cookies are on by default), and the plain-HTTP
switch for a local demo is reported by it rather than hidden.

The settings module is executed afresh with a production-like environment and the values that
differ from the test run's are applied for the check, so what is checked is config/settings.py
itself, not a copy of its values.
"""

from __future__ import annotations

import base64
import os
import re
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from config.env import EnvironmentError_

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "config" / "settings.py"
# Read once at start-up; changing them in a running process is not what is being checked.
FIXED = {"INSTALLED_APPS", "DATABASES", "LOGGING", "TEMPLATES", "BASE_DIR"}
# Unset: the HTTPS defaults are what is checked, and the test run's switch for Playwright
# (DJANGO_ALLOW_ASYNC_UNSAFE) is never set on a server (async.E001).
UNSET = ("DJANGO_HTTPS", "DJANGO_SECURE_SSL_REDIRECT", "DJANGO_HSTS_SECONDS",
         "DJANGO_HSTS_INCLUDE_SUBDOMAINS", "DJANGO_HSTS_PRELOAD",
         "DJANGO_SECURE_PROXY_SSL_HEADER", "DJANGO_ALLOW_ASYNC_UNSAFE")


def production_environment(**overrides: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in UNSET}
    env.update({
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "victimjourney.example.gov.uk",
        "VJ_FIELD_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "VJ_BLIND_INDEX_KEY": secrets.token_hex(24),
    })
    env.update(overrides)
    return env


def settings_under(monkeypatch, **overrides: str) -> dict:
    """The upper-case names config/settings.py defines under a production-like environment."""
    for name in UNSET:
        monkeypatch.delenv(name, raising=False)
    for name, value in production_environment(**overrides).items():
        monkeypatch.setenv(name, value)
    return {k: v for k, v in runpy.run_path(str(SETTINGS)).items() if k.isupper()}


def deploy_check(values: dict) -> list[str]:
    """The ids of the warnings and errors `check --deploy --fail-level WARNING` reports."""
    assert values["INSTALLED_APPS"] == settings.INSTALLED_APPS
    changed = {k: v for k, v in values.items()
               if k not in FIXED and getattr(settings, k, object()) != v}
    with override_settings(**changed):
        try:
            call_command("check", "--deploy", "--fail-level", "WARNING")
        except SystemCheckError as exc:
            return sorted(set(re.findall(r"\(([a-z_]+\.[EW]\d+)\)", str(exc))))
    return []


def test_production_defaults_pass_the_deploy_check(monkeypatch):
    values = settings_under(monkeypatch)
    assert (values["DEBUG"], values["SECURE_SSL_REDIRECT"], values["SESSION_COOKIE_SECURE"],
            values["CSRF_COOKIE_SECURE"], values["LANGUAGE_COOKIE_SECURE"]) == (
        False, True, True, True, True)
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and values["SECURE_HSTS_PRELOAD"]
    assert "victimjourney.core.security.SecurityHeadersMiddleware" in values["MIDDLEWARE"]
    assert deploy_check(values) == []


def test_plain_http_with_debug_off_is_reported_by_the_deploy_check(monkeypatch):
    values = settings_under(monkeypatch, DJANGO_HTTPS="false")
    assert (values["SECURE_SSL_REDIRECT"], values["SESSION_COOKIE_SECURE"],
            values["SECURE_HSTS_SECONDS"]) == (False, False, 0)
    assert deploy_check(values) == ["security.W004", "security.W008", "security.W012",
                                    "security.W016"]


def test_the_demo_with_debug_on_serves_plain_http(monkeypatch):
    values = settings_under(monkeypatch, DJANGO_DEBUG="true")
    assert (values["SECURE_SSL_REDIRECT"], values["SESSION_COOKIE_SECURE"],
            values["CSRF_COOKIE_SECURE"], values["SECURE_HSTS_SECONDS"]) == (False, False, False, 0)


def test_hsts_and_the_redirect_can_be_tuned_from_the_environment(monkeypatch):
    values = settings_under(monkeypatch, DJANGO_HSTS_SECONDS="300", DJANGO_HSTS_PRELOAD="false",
                            DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO=https")
    assert values["SECURE_HSTS_SECONDS"] == 300
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert deploy_check(values) == ["security.W021"]  # no preload: reported, not hidden


def test_a_malformed_proxy_header_fails_loudly(monkeypatch):
    with pytest.raises(EnvironmentError_, match="DJANGO_SECURE_PROXY_SSL_HEADER"):
        settings_under(monkeypatch, DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")


@pytest.mark.slow
@pytest.mark.parametrize("overrides, code", [({}, 0), ({"DJANGO_HTTPS": "false"}, 1)])
def test_the_deploy_check_command_exits_by_its_findings(overrides, code):
    result = subprocess.run(  # a fresh process: the settings exactly as a server would load them
        [sys.executable, "-m", "victimjourney", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_environment(**overrides), cwd=ROOT, capture_output=True, text=True,
        timeout=120, check=False)
    assert result.returncode == code, result.stderr
    assert ("security.W008" in result.stderr) == (code == 1)
