"""Security headers on every response: a Content Security Policy, Permissions-Policy, and
`Cache-Control: no-store` on everything but static files.

Django's SecurityMiddleware (configured in config/settings.py) already sets HSTS, the HTTPS
redirect, `Referrer-Policy: same-origin`, `X-Content-Type-Options: nosniff` and
`Cross-Origin-Opener-Policy: same-origin`; XFrameOptionsMiddleware sets `X-Frame-Options: DENY`.
Django 5.2 has no CSP of its own, so this middleware adds it.

The one inline script (base.html: the snippet that adds the `govuk-frontend-supported` class
GOV.UK Frontend needs before its module loads) is allowed by its SHA-256 hash, as GOV.UK
Frontend's documentation recommends; everything else is a static file. A hash rather than a
per-request nonce keeps pages identical from one request to the next (the portal's sign-in
must not differ between a known and an unknown reference), and any new inline script is
refused until its hash is added here. The API docs (/api/docs) use django-ninja's bundled
Swagger UI ("ninja" is an installed app): they run under the same policy, nothing from a CDN.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# The inline scripts the templates may contain, exactly (templates/base.html).
INLINE_SCRIPTS = (
    "document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? "
    "' govuk-frontend-supported' : '');",
)


def script_hash(source: str) -> str:
    """A CSP hash source for an inline script: 'sha256-<base64 of the digest>'."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' " + " ".join(script_hash(s) for s in INLINE_SCRIPTS),
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
])
# Powerful browser features the service never uses, refused for every page and frame.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
    "magnetometer", "microphone", "midi", "payment", "usb"))


def _public_files() -> tuple[str, ...]:
    """Path prefixes of static files, which may be cached (they hold no personal data)."""
    static = "/" + settings.STATIC_URL.lstrip("/")
    return (static, "/assets/")


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.public = _public_files()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Django's own debug pages (DEBUG only, 4xx and 5xx) style themselves inline.
        if not (settings.DEBUG and response.status_code >= 400):
            response.setdefault("Content-Security-Policy", POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # Pages show victims' and staff members' personal data; nothing but static files may be
        # kept by the browser or a shared cache. A view that sets its own Cache-Control wins.
        if not request.path.startswith(self.public):
            response.setdefault("Cache-Control", "no-store")
        return response
