"""Administrators: the cases the retention run has anonymised (read only), and the subject
access export as a page (the same document as `victimjourney subject_access`)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

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
from victimjourney.privacy.models import CaseRetention


@admin.register(CaseRetention)
class CaseRetentionAdmin(admin.ModelAdmin):
    list_display = ("case", "schedule", "mopi_group", "clear_from", "due_at", "applied_at")
    list_filter = ("schedule", "mopi_group")
    search_fields = ("case__reference",)
    change_list_template = "privacy/admin_caseretention_changelist.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        extra = [path("subject-access/", self.admin_site.admin_view(self.subject_access_view),
                      name="privacy_subject_access")]
        return extra + super().get_urls()

    def subject_access_view(self, request: HttpRequest) -> HttpResponse:
        """Administrators only: the export holds a victim's whole record."""
        if not request.user.is_superuser:
            raise PermissionDenied
        form = SubjectAccessForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                document = subject_access_collect(reference=form.cleaned_data["reference"],
                                                  victim_key=form.cleaned_data["victim"])
            except NotFound:
                form.add_error(None, _("There is no victim with that key on that case."))
            else:
                kind = form.cleaned_data["format"]
                subject_access_audit(document=document, user=request.user, what=kind)
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
