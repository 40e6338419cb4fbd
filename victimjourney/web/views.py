from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from victimjourney.code.editions import EDITIONS
from victimjourney.duties.models import Duty
from victimjourney.journey.catalogue import SCHEMA_VERSION
from victimjourney.journey.models import Event
from victimjourney.journey.schema import feed_schema as build_schema


def home(request: HttpRequest) -> HttpResponse:
    # Aggregate figures only: no victim's record is read here.
    by_status = dict(Duty.objects.values_list("status").annotate(n=Count("id")))
    return render(request, "web/home.html", {
        "events": Event.objects.count(),
        "by_status": sorted(by_status.items()),
        "editions": EDITIONS.values(),
    })


def feed_schema(request: HttpRequest, version: str) -> JsonResponse:
    if version not in ("v1", SCHEMA_VERSION):
        raise Http404("unknown schema version")
    return JsonResponse(build_schema(), json_dumps_params={"indent": 2})


def catalogue(request: HttpRequest) -> HttpResponse:
    return render(request, "web/catalogue.html", {"editions": EDITIONS.values()})


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
