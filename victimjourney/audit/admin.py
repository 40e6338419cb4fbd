from django.contrib import admin

from victimjourney.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Administrators search the log; nobody adds, edits or deletes entries here (the database
    refuses changes too: migration 0003). The chain hashes are shown for reference."""

    list_display = ("at", "actor_name", "organisation", "role", "action", "case_reference",
                    "victim_key", "detail")
    list_filter = ("action", "role", "organisation")
    search_fields = ("actor_name", "case_reference", "victim_key", "detail")
    date_hierarchy = "at"
    fields = ("at", "actor_id", "actor_name", "organisation", "role", "action",
              "case_reference", "victim_key", "detail", "prev_hash", "hash")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
