from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # GOV.UK Frontend's fonts and images, where its CSS expects them.
    re_path(r"^assets/(?P<path>.*)$", serve, {"document_root": settings.GOVUK_ASSETS}),
    path("api/", include("victimjourney.api.urls")),
    path("portal/", include("victimjourney.portal.urls")),
    path("inspection/", include("victimjourney.inspection.urls")),
    path("notifications/", include("victimjourney.notifications.urls")),
    path("linkage/", include("victimjourney.linkage.urls")),
    path("", include("victimjourney.workspace.urls")),
    *([path("oidc/", include("mozilla_django_oidc.urls"))] if settings.OIDC_ENABLED else []),
    path("", include("victimjourney.web.urls")),
]
