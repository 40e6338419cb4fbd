"""The API's URLs, included at /api/ by config/urls.py (namespace "api")."""

from django.urls import re_path

from victimjourney.api.api import api, not_found

app_name = "api"  # the NinjaAPI's urls_namespace: its OpenAPI view reverses by it
urlpatterns = [*api.urls[0], re_path(r"^", not_found)]
