import json

import pytest

from victimjourney.code.editions import all_entitlements
from victimjourney.journey.schema import feed_schema

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_duty_figures(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No duties yet" in response.content.decode()


def test_the_catalogue_page_lists_every_rule(client):
    text = client.get("/code/").content.decode()
    for rule in all_entitlements():
        assert rule.id in text


def test_the_feed_schema_is_published_at_a_stable_url(client):
    response = client.get("/schema/event-feed/v1.json")
    assert response.status_code == 200
    assert json.loads(response.content) == feed_schema()
    assert client.get("/schema/event-feed/v9.json").status_code == 404
