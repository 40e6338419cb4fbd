"""Security headers on every response: a Content Security Policy, the headers Django's
SecurityMiddleware sets, Permissions-Policy, and no-store on anything but static files; the
templates keep to the policy (no inline script but the one allowed by its hash, no inline styles
or event handlers); and, in Chromium, the pages run under it with no violation."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import re
from pathlib import Path

import pytest
from django.core import mail
from django.test import override_settings

from tests.chromium import chromium as launch_chromium
from tests.helpers import lines, raw
from victimjourney.accounts.services import staff_create
from victimjourney.core import clock
from victimjourney.core.security import POLICY
from victimjourney.duties.services import feed_import

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
REF = "KEN/8/26"
PASSWORD = "correct horse battery"  # a test account's


def policy(response) -> dict[str, list[str]]:
    directives = [d.split() for d in response["Content-Security-Policy"].split(";")]
    return {d[0]: d[1:] for d in directives if d}


def sha256_source(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


# GOV.UK Frontend's snippet in base.html, and the hash GOV.UK Frontend's documentation gives.
GOVUK_SNIPPET = ("document.body.className += ' js-enabled' + ('noModule' in "
                 "HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');")
GOVUK_SNIPPET_HASH = "'sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw='"


def expected_policy() -> dict[str, list[str]]:
    return {
        "default-src": ["'self'"], "script-src": ["'self'", GOVUK_SNIPPET_HASH],
        "style-src": ["'self'"], "img-src": ["'self'", "data:"], "font-src": ["'self'"],
        "connect-src": ["'self'"], "object-src": ["'none'"], "frame-ancestors": ["'none'"],
        "form-action": ["'self'"], "base-uri": ["'self'"],
    }


def assert_security_headers(response, *, cacheable: bool = False) -> None:
    assert policy(response) == expected_policy()
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    features = dict(f.strip().split("=") for f in response["Permissions-Policy"].split(","))
    assert {"camera", "microphone", "geolocation", "payment", "usb"} <= set(features)
    assert set(features.values()) == {"()"}
    if cacheable:
        assert "no-store" not in response.get("Cache-Control", "")
    else:
        assert "no-store" in response["Cache-Control"]


@pytest.fixture
def case(db):
    with clock.frozen(NOW):
        feed_import(lines=lines(
            raw("h1", "crime.reported", "2026-11-23 09:00", case=REF, offence="assault"),
            raw("h2", "victim.identified", "2026-11-23 09:00", case=REF, victim="V1",
                kind="person", name="Sam Hughes", contact={"email": "sam@example.invalid"}),
        ), source="test")
    return REF


# --- every response --------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("path, status", [
    ("/", 200), ("/code/", 200), ("/sign-in/", 200), ("/portal/", 200),
    ("/portal/sign-in/", 200), ("/api/docs", 200), ("/api/openapi.json", 200),
    ("/admin/login/", 200), ("/healthz", 200), ("/no-such-page/", 404),
    ("/duties/", 302),
])
def test_every_response_carries_the_security_headers(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert_security_headers(response)


def test_pages_behind_staff_sign_in_are_not_stored(client, case):
    staff_create(username="officer", password=PASSWORD, organisation="police:kent",
                 role="investigating_officer")
    client.login(username="officer", password=PASSWORD)
    with clock.frozen(NOW):
        for path in ("/duties/", f"/cases/{REF}/", "/cases/"):
            response = client.get(path)
            assert response.status_code == 200, path
            assert "Sam Hughes" in response.content.decode() or path != f"/cases/{REF}/"
            assert_security_headers(response)


def test_the_victims_portal_pages_are_not_stored(client, case):
    with clock.frozen(NOW):
        client.post("/portal/sign-in/", {"reference": REF, "contact": "sam@example.invalid"})
        code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
        assert client.post("/portal/code/", {"code": code}).status_code == 302
        for path in ("/portal/case/", "/portal/rights/", "/portal/messages/"):
            response = client.get(path)
            assert response.status_code == 200, path
            assert_security_headers(response)


@pytest.mark.django_db
def test_static_files_may_be_cached_but_keep_the_other_headers(client):
    from django.conf import settings

    if not (settings.GOVUK_ASSETS / "images" / "favicon.ico").exists():
        pytest.skip("GOV.UK Frontend is not installed (scripts/bootstrap)")
    response = client.get("/assets/images/favicon.ico")
    assert response.status_code == 200
    assert_security_headers(response, cacheable=True)


@pytest.mark.django_db
def test_the_one_inline_script_on_a_page_is_the_one_the_policy_allows_by_hash(client):
    response = client.get("/")
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", response.content.decode(),
                        re.DOTALL)
    assert inline == [GOVUK_SNIPPET]
    assert sha256_source(GOVUK_SNIPPET) == GOVUK_SNIPPET_HASH
    assert GOVUK_SNIPPET_HASH in policy(response)["script-src"]
    assert client.get("/").content == response.content  # nothing varies per request


@pytest.mark.django_db
def test_the_api_docs_load_swagger_ui_from_this_site_not_a_cdn(client):
    html = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui-init.js" in html
    assert "cdn." not in html and "https://" not in html
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [' type="application/json" id="swagger-settings"']  # data, not code


def test_a_response_that_sets_its_own_headers_keeps_them(rf):
    from django.http import HttpResponse

    from victimjourney.core.security import SecurityHeadersMiddleware

    def view(request):
        response = HttpResponse("public")
        response["Cache-Control"] = "max-age=60"
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    response = SecurityHeadersMiddleware(view)(rf.get("/code/"))
    assert response["Cache-Control"] == "max-age=60"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    plain = SecurityHeadersMiddleware(lambda request: HttpResponse("x"))(rf.get("/code/"))
    assert plain["Cache-Control"] == "no-store"
    assert plain["Content-Security-Policy"] == POLICY


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_debug_error_pages_go_without_the_policy_but_pages_keep_it(client):
    assert "Content-Security-Policy" not in client.get("/no-such-page/")
    assert_security_headers(client.get("/"))


# --- the templates keep to the policy --------------------------------------------------------

SCRIPT_SOURCES = POLICY.split("script-src ", 1)[1].split(";", 1)[0].split()
# Rendered to a PDF or a file, never served as a page: their own <style> is fine.
NOT_PAGES = {"letters/letter.html", "inspection/report.html", "privacy/subject_access.html"}


def served_templates() -> list[Path]:
    found = []
    for path in sorted((ROOT / "victimjourney").rglob("templates/**/*.html")):
        name = path.as_posix().split("/templates/", 1)[1]
        if name not in NOT_PAGES:
            found.append(path)
    return found


def test_templates_have_no_inline_styles_handlers_or_scripts_the_policy_refuses():
    templates = served_templates()
    assert len(templates) > 20
    problems = []
    for path in templates:
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(ROOT)
        problems += [f"{where}: style attribute" for _ in re.finditer(r"\sstyle=", text)]
        problems += [f"{where}: <style>" for _ in re.finditer(r"<style\b", text)]
        problems += [f"{where}: {m.group(1)} handler"
                     for m in re.finditer(r"\s(on[a-z]+)=", text)]
        problems += [f"{where}: javascript: URL" for _ in re.finditer(r"javascript:", text)]
        for attrs, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", text, re.DOTALL):
            if "src=" in attrs or "application/json" in attrs:
                continue
            if sha256_source(body) not in SCRIPT_SOURCES:
                problems.append(f"{where}: inline <script> the policy does not allow by hash")
    assert problems == []


# --- in a real browser -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def chromium():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # sync Playwright and the live server
    with launch_chromium() as browser:
        yield browser


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_pages_run_in_chromium_with_no_policy_violation(chromium, live_server):
    # The flush after an earlier transactional test empties the shipped organisations.
    from victimjourney.organisations.models import Organisation
    from victimjourney.organisations.reference import shipped_organisations

    existing = set(Organisation.objects.values_list("code", flat=True))
    Organisation.objects.bulk_create([
        Organisation(code=r.code, kind=r.kind, name=r.name, force=r.force, cps_area=r.cps_area,
                     probation_region=r.probation_region, country=r.country,
                     population=r.population, shipped=True)
        for r in shipped_organisations().values() if r.code not in existing])
    staff_create(username="officer", password=PASSWORD, organisation="police:kent",
                 role="investigating_officer")
    context = chromium.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(f"{page.url}: {m.text}")
            if "Content Security Policy" in m.text or "Permissions-Policy" in m.text else None)
    try:
        page.goto("/")
        # The inline script ran (allowed by its hash), and GOV.UK Frontend's module after it.
        assert "govuk-frontend-supported" in page.locator("body").get_attribute("class")
        page.goto("/sign-in/")
        page.get_by_label("Username").fill("officer")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/duties/")
        page.goto("/api/docs")
        page.locator(".swagger-ui .info .title").wait_for()  # Swagger UI ran
        assert "Victim Journey" in page.locator(".swagger-ui .info .title").inner_text()
        page.goto("/admin/login/")
        page.locator("#login-form").wait_for()
        page.goto("/portal/")
        page.wait_for_load_state("load")
    finally:
        context.close()
    assert violations == []
