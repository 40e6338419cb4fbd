from django.db import models
from django.utils.translation import gettext_lazy as _

from victimjourney.core.fields import EncryptedJSONField

VICTIM_KINDS = [
    ("person", _("Person")),
    ("business", _("Business")),
    ("bereaved_close_relative", _("Bereaved close relative")),
    ("parent_or_guardian", _("Parent or guardian")),
    ("family_spokesperson", _("Family spokesperson")),
]


class Victim(models.Model):
    """A victim on a case (or a person exercising a victim's rights): a projection of the
    case's `victim.identified` events, rebuilt whenever the case's events change."""

    # Indexed by the (case, key) unique constraint.
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="victims",
                             db_index=False)
    key = models.CharField(max_length=100, help_text="the victim's key within the case, e.g. V1")
    kind = models.CharField(max_length=30, choices=VICTIM_KINDS)
    name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    on_behalf_of = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=2, default="en")
    # Addresses, phone numbers, email addresses, safe-contact notes: encrypted at rest.
    contact = EncryptedJSONField(default=dict, blank=True)
    identified_at = models.DateTimeField()
    enhanced_now = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "key"], name="victim_key_per_case")]
        ordering = ["case_id", "key"]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.key}"


class CategoryRecord(models.Model):
    """One entry of a victim's category history: derived by the Code's rules or recorded by a
    person (confirmed, added, declined or removed), with the reason and when it took effect."""

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(max_length=40)
    state = models.CharField(max_length=10)
    reason = models.TextField()
    source = models.CharField(max_length=10)  # derived or recorded
    confirmed_by = models.CharField(max_length=200, blank=True)
    effective_at = models.DateTimeField()
    event_id = models.CharField(max_length=200)

    class Meta:
        ordering = ["victim_id", "effective_at", "id"]
        indexes = [models.Index(fields=["category", "state"])]

    def __str__(self) -> str:
        return f"{self.category} {self.state} from {self.effective_at:%Y-%m-%d}"
