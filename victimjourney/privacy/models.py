from django.db import models


class CaseRetention(models.Model):
    """A case whose personal data the retention run has anonymised: under which schedule, from
    which clear-period start, and what changed. The run processes a case again only when
    events have reached it since (`applied_at`)."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+")
    schedule = models.CharField(max_length=40)
    mopi_group = models.PositiveSmallIntegerField()
    clear_from = models.DateTimeField()
    due_at = models.DateTimeField()
    as_of = models.DateTimeField()
    applied_at = models.DateTimeField()
    counts = models.JSONField(default=dict, help_text="records changed or deleted, by kind")

    def __str__(self) -> str:
        return f"{self.case_id} anonymised {self.applied_at:%Y-%m-%d} ({self.schedule})"


class SubjectAccessRequest(models.Model):
    """A victim's request, through the portal, for a copy of the personal data held about
    them (UK GDPR art. 15). Due one calendar month after it was received (art. 12(3));
    fulfilled when an administrator exports the subject access document for that victim."""

    victim = models.ForeignKey("victims.Victim", on_delete=models.CASCADE, related_name="+")
    case_reference = models.CharField(max_length=100)
    victim_key = models.CharField(max_length=100)
    received_at = models.DateTimeField()
    due_on = models.DateField()
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    fulfilled_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["fulfilled_at", "due_on"], name="sar_open_by_due")]

    def __str__(self) -> str:
        return f"{self.case_reference}/{self.victim_key} received {self.received_at:%Y-%m-%d}"
