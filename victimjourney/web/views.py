from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

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


def language(request: HttpRequest, code: str) -> HttpResponse:
    """Switch the language (a link, as the GOV.UK language navigation expects) and go back."""
    if code not in dict(settings.LANGUAGES):
        raise Http404("unknown language")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    language_remember(request, response, code)
    return response


def language_remember(request: HttpRequest, response: HttpResponse, code: str) -> None:
    """Keep CODE as this browser's language for a year (the cookie LocaleMiddleware reads)."""
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600,
                        samesite="Lax", secure=request.is_secure(), httponly=True)


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
