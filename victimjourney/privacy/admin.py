"""Administrators: the cases the retention run has anonymised (read only), and the subject
access export as a page (the same document as `victimjourney subject_access`)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from victimjourney.core import clock
from victimjourney.core.errors import NotFound
from victimjourney.privacy.access import (
    JSON_NAME,
    PDF_NAME,
    subject_access_audit,
    subject_access_collect,
    subject_access_json,
    subject_access_pdf,
)
from victimjourney.privacy.forms import SubjectAccessForm
from victimjourney.privacy.models import CaseRetention, SubjectAccessRequest
from victimjourney.privacy.requests import access_requests_fulfil


class ReadOnly(admin.ModelAdmin):
    """Records written by the system, never by hand in the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CaseRetention)
class CaseRetentionAdmin(ReadOnly):
    list_display = ("case", "schedule", "mopi_group", "clear_from", "due_at", "applied_at")
    list_filter = ("schedule", "mopi_group")
    search_fields = ("case__reference",)
    change_list_template = "privacy/admin_caseretention_changelist.html"


    def get_urls(self) -> list[URLPattern]:
        extra = [path("subject-access/", self.admin_site.admin_view(self.subject_access_view),
                      name="privacy_subject_access")]
        return extra + super().get_urls()

    def subject_access_view(self, request: HttpRequest) -> HttpResponse:
        """Administrators only: the export holds a victim's whole record."""
        if not request.user.is_superuser:
            raise PermissionDenied
        # A request's "Export" link fills in its case and victim.
        form = SubjectAccessForm(request.POST or None, initial={
            "reference": request.GET.get("reference", ""), "victim": request.GET.get("victim", "")})
        if request.method == "POST" and form.is_valid():
            try:
                document = subject_access_collect(reference=form.cleaned_data["reference"],
                                                  victim_key=form.cleaned_data["victim"])
            except NotFound:
                form.add_error(None, _("There is no victim with that key on that case."))
            else:
                kind = form.cleaned_data["format"]
                subject_access_audit(document=document, user=request.user, what=kind)
                access_requests_fulfil(reference=form.cleaned_data["reference"],
                                       victim_key=form.cleaned_data["victim"],
                                       user=request.user, now=clock.now())
                if kind == "pdf":
                    response = HttpResponse(subject_access_pdf(document),
                                            content_type="application/pdf")
                else:
                    response = HttpResponse(subject_access_json(document),
                                            content_type="application/json; charset=utf-8")
                name = PDF_NAME if kind == "pdf" else JSON_NAME
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                response["Cache-Control"] = "no-store"
                return response
        return TemplateResponse(request, "privacy/admin_subject_access.html", {
            **self.admin_site.each_context(request), "form": form,
            "title": _("Subject access export"), "opts": self.model._meta})


@admin.register(SubjectAccessRequest)
class SubjectAccessRequestAdmin(ReadOnly):
    """Victims' requests for their data, the oldest due first; each is fulfilled by the export
    (its "Export" link), which records who made it and when."""

    list_display = ("case_reference", "victim_key", "received_at", "due_on", "fulfilled_at",
                    "fulfilled_by", "export")
    list_filter = (("fulfilled_at", admin.EmptyFieldListFilter), "due_on")
    search_fields = ("case_reference",)
    ordering = ("fulfilled_at", "due_on", "id")

    @admin.display(description=gettext_lazy("Export"))
    def export(self, obj: SubjectAccessRequest) -> str:
        url = reverse("admin:privacy_subject_access")
        return format_html('<a href="{}?{}">{}</a>', url,
                           urlencode({"reference": obj.case_reference, "victim": obj.victim_key}),
                           _("Export"))

