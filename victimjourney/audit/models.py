from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """Who read or changed what, when: every view of a victim's record is one entry.

    Append-only and tamper-evident: entries are written only by `services.audit_record`, each
    chained to the one before it by `prev_hash` and `hash` (`chain.py`); the database refuses to
    change them (migration 0003). The acting user and organisation are kept apart from the
    subject (the case and, where one, the victim). The actor's id outlives the user (no foreign
    key constraint, nothing is set to null), so deleting a user never rewrites the log.
    """

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING,
                              db_constraint=False, related_name="+")
    actor_name = models.CharField(max_length=150)
    organisation = models.CharField(max_length=120, blank=True)
    role = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=40)  # view_case, view_victim, record_event, ...
    case_reference = models.CharField(max_length=100, blank=True, db_index=True)
    victim_key = models.CharField(max_length=100, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    # SHA-256 (hex) of the entry before this one in id order, and of this entry (chain.py).
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.case_reference}"
