from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from victimjourney.api.models import ApiKey
from victimjourney.api.services import api_key_revoke, api_key_secret
from victimjourney.core import clock
from victimjourney.core.errors import DomainError


class ApiKeyAddForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ["organisation", "name"]

    def clean(self):
        data = super().clean()
        org = data.get("organisation") if data else None
        if org is not None and org.kind == "victim":
            raise forms.ValidationError("victims record events through the portal, not with "
                                        "an API key")
        if org is not None and data and ApiKey.objects.filter(
                organisation=org, name=data.get("name", ""), revoked_at__isnull=True).exists():
            raise forms.ValidationError(f"{org.code} already has a live key with this name")
        return data


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are listed and revoked here; a new key's token is shown once, on the page that
    follows its creation, and never stored."""

    list_display = ("organisation", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("organisation__kind", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("organisation__code", "organisation__name", "name", "prefix")
    readonly_fields = ("organisation", "name", "prefix", "created_at", "last_used_at",
                       "revoked_at")
    exclude = ("hashed",)
    actions = ["revoke"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    def get_fields(self, request, obj=None):
        return list(self.readonly_fields) if obj is not None else ["organisation", "name"]

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: a key's record says who called what

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, obj.prefix, obj.hashed = api_key_secret()
        obj.created_at = clock.now()
        obj.save()
        request._api_key_token = token  # type: ignore[attr-defined]

    def response_add(self, request: HttpRequest, obj, post_url_continue=None) -> HttpResponse:
        return TemplateResponse(request, "api/apikey_created.html", {
            **self.admin_site.each_context(request), "key": obj, "opts": self.model._meta,
            "token": getattr(request, "_api_key_token", ""), "title": "API key created",
        })

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset):
        revoked = 0
        for key in queryset.filter(revoked_at__isnull=True):
            try:
                api_key_revoke(organisation=key.organisation_id, name=key.name)
            except DomainError:  # revoked meanwhile
                continue
            revoked += 1
        messages.success(request, f"{revoked} key(s) revoked.")
