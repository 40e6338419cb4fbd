from django.urls import path

from victimjourney.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("schema/event-feed/<str:version>.json", views.feed_schema, name="feed-schema"),
    path("code/", views.catalogue, name="catalogue"),
    path("healthz", views.healthz, name="healthz"),
    path("language/<str:code>/", views.language, name="language"),
]
