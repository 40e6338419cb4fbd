"""Test configuration shared by every test (loaded before Django's settings)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Tests never use a real secret; scripts/test sets a random one, this is for a bare `pytest`.
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-not-for-production")
