from django.contrib import admin

from victimjourney.organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "force", "country", "shipped", "active")
    list_filter = ("kind", "country", "shipped", "active")
    search_fields = ("code", "name", "force")

    def get_readonly_fields(self, request, obj=None):
        # Shipped reference data is fixed; only what an administrator added can be edited.
        if obj is not None and obj.shipped:
            return [f.name for f in self.model._meta.fields]
        if obj is not None:
            return ["code", "kind", "shipped"]
        return ["shipped"]

    def has_delete_permission(self, request, obj=None):
        return False
