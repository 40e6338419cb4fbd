from django.contrib import admin

from victimjourney.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Administrators search the log; nobody edits or deletes it."""

    list_display = ("at", "actor_name", "organisation", "role", "action", "case_reference",
                    "victim_key", "detail")
    list_filter = ("action", "role", "organisation")
    search_fields = ("actor_name", "case_reference", "victim_key", "detail")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
