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
