from django.db import models

from victimjourney.core.fields import SealedPayloadField

# Keys of event data that hold a victim's contact details, sealed together in the database
# (core/fields.py: SealedPayloadField), wherever they appear: victim.identified `contact`,
# victim.preferences_updated `email`, `phone`, `safe_contact`, `contact_times`, flag.set `note`
# (a safe-contact flag's note says how to reach the victim), and any object holding one of them
# (a correction's `replacement`, needs-assessment `answers`). Mirrors
# accounts/permissions.py: CONTACT_KEYS; tests/security_crypto checks the catalogue against it.
SENSITIVE_DATA_KEYS = frozenset({"contact", "address", "postcode", "phone", "email",
                                 "safe_contact", "contact_times", "note"})


class ImportBatch(models.Model):
    """One feed imported (from a file, the API or a page): whole or not at all."""

    source = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    lines = models.PositiveIntegerField(default=0)
    events_new = models.PositiveIntegerField(default=0)
    events_repeated = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    duties_written = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.source} ({self.started_at:%Y-%m-%d %H:%M})"


class Event(models.Model):
    """A journey event: append-only. A correction is a new `correction.recorded` event.

    The feed's id is the primary key, which makes a re-sent event a no-op; a database trigger
    refuses updates and deletes (migration 0002), except re-encryption of the sealed contact
    details (migration 0004, `services.events_rekeyable`).
    """

    id = models.CharField(primary_key=True, max_length=200)
    type = models.CharField(max_length=60)
    # Indexed by (case, occurred_at) below.
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="events",
                             db_index=False)
    victim_key = models.CharField(max_length=100, blank=True)
    # Provider codes are checked against the organisations on the way in, and organisations are
    # never deleted, so the hot bulk path skips a database-level check of this key.
    provider = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                 related_name="+", db_constraint=False, db_index=False)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField()
    # Contact details sealed (SENSITIVE_DATA_KEYS); the rest plain, for lookups and metrics.
    data = SealedPayloadField(default=dict, sensitive=SENSITIVE_DATA_KEYS)
    # A blind index of the content (`journey.services.stored_digest`): a re-sent event is
    # recognised without a guessable hash of contact details.
    digest = models.CharField(max_length=64)
    batch = models.ForeignKey(ImportBatch, null=True, on_delete=models.PROTECT,
                              related_name="events", db_constraint=False, db_index=False)
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["case", "occurred_at"]),
            models.Index(fields=["type", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.type}"
