"""The metrics borrow Django's database connection: they must leave it as Django expects."""

import pytest
from django.contrib.auth import get_user_model

from victimjourney.inspection.source import source_django

pytestmark = pytest.mark.django_db


def test_case_insensitive_lookups_still_work_after_the_metrics_used_the_connection():
    get_user_model().objects.create_user("dc", "dc.jones@kent.police.example", "x" * 12)
    source_django()  # on SQLite, Ibis switches case-sensitive LIKE on for its connection
    assert get_user_model().objects.filter(email__iexact="DC.Jones@kent.police.example").exists()
    assert get_user_model().objects.filter(email__icontains="JONES").exists()
