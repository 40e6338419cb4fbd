"""Test configuration shared by every test (loaded before Django's settings)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Tests never use a real secret; scripts/test sets a random one, this is for a bare `pytest`.
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-not-for-production")
# Keys for the encryption at rest of contact details: fresh for every run (scripts/test sets
# its own), so no test depends on a key kept in the repository. In the environment for the
# commands tests start, and in the settings (pytest-django may have read them already).
if not os.environ.get("VJ_FIELD_KEYS"):
    import base64

    os.environ["VJ_FIELD_KEYS"] = base64.urlsafe_b64encode(os.urandom(32)).decode()
if not os.environ.get("VJ_BLIND_INDEX_KEY"):
    os.environ["VJ_BLIND_INDEX_KEY"] = os.urandom(24).hex()


def pytest_configure(config):
    from django.conf import settings

    if not settings.VJ_FIELD_KEYS:
        settings.VJ_FIELD_KEYS = [os.environ["VJ_FIELD_KEYS"]]
    if not settings.VJ_BLIND_INDEX_KEY:
        settings.VJ_BLIND_INDEX_KEY = os.environ["VJ_BLIND_INDEX_KEY"]
    # The test client and the live server speak plain HTTP: no redirect to HTTPS, which is on
    # by default when DEBUG is off (tests/security/test_deploy_check.py checks the defaults).
    # Here, before collection, as some test modules request pages at import.
    settings.SECURE_SSL_REDIRECT = False
