from django import forms
from django.contrib import admin

from victimjourney.organisations.models import Organisation
from victimjourney.organisations.services import organisation_validate


class OrganisationAddForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["code", "name", "force"]
        help_texts = {"code": "court:<slug>, yot:<slug> or prison:<slug>, e.g. "
                              "court:newport-crown-court"}

    def clean(self):
        data = super().clean()
        if data and not self.errors:
            try:
                self.instance.kind, self.instance.country = organisation_validate(
                    code=data["code"], name=data["name"], force=data.get("force") or "")
            except ValueError as exc:
                raise forms.ValidationError(str(exc)) from None
        return data


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "force", "country", "shipped", "active")
    list_filter = ("kind", "country", "shipped", "active")
    search_fields = ("code", "name", "force")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = OrganisationAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # Shipped reference data is fixed; what an administrator added can be renamed or
        # deactivated, never re-coded (events and duties name it).
        if obj is not None and obj.shipped:
            return [f.name for f in self.model._meta.fields]
        if obj is not None:
            return ["code", "kind", "shipped", "cps_area", "probation_region", "population"]
        return []

    def has_delete_permission(self, request, obj=None):
        return False
