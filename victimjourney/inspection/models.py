from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

OUTCOMES = [
    ("fully", _("Fully met")),
    ("partially", _("Partially met")),
    ("not_met", _("Not met")),
]


class Judgement(models.Model):
    """An inspector's judgement of one case file against one finding's standard.

    The findings that are judgements (a cancellation judged incorrect, a response judged good or
    adequate, notifications fully or partially meeting the standard, special measures of good
    quality) are counted from these records; every other finding is counted from journey events.
    One record per case file, finding and subject (the event judged, when there is one): judging
    again replaces the earlier judgement.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    finding = models.CharField(max_length=60)
    subject = models.CharField(max_length=200, blank=True,
                               help_text="the event judged, e.g. the cancellation")
    outcome = models.CharField(max_length=10, choices=OUTCOMES)
    notes = models.TextField(blank=True)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    inspector_name = models.CharField(max_length=150)
    sample = models.ForeignKey("inspection.Sample", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="judgements")
    source = models.CharField(max_length=200, help_text="the form, or the file imported")
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "finding", "subject"],
                                               name="one_judgement_per_file_finding_subject")]
        indexes = [models.Index(fields=["finding", "outcome"])]

    def __str__(self) -> str:
        return f"{self.finding} {self.case_id}: {self.outcome}"


class Sample(models.Model):
    """A reproducible stratified random sample of case files for inspectors to read."""

    name = models.CharField(max_length=200)
    seed = models.BigIntegerField()
    per_stratum = models.PositiveIntegerField()
    stratum = models.CharField(max_length=20, default="force")
    year = models.PositiveIntegerField(null=True, blank=True,
                                       help_text="cases reported in this local year")
    finding = models.CharField(max_length=60, blank=True,
                               help_text="the finding the files are read for")
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} (seed {self.seed})"


class SampledFile(models.Model):
    """A case file drawn into a sample, in its stratum, in the order drawn."""

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="files")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    stratum = models.CharField(max_length=120)
    position = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sample", "case"],
                                               name="case_once_per_sample")]
        ordering = ["sample_id", "stratum", "position"]

    def __str__(self) -> str:
        return f"{self.sample_id}: {self.case_id} ({self.stratum})"


class MetricSnapshot(models.Model):
    """Every metric with every breakdown, computed once (nightly: `victimjourney metrics
    --snapshot`) so that the dashboards read figures instead of recomputing them."""

    year = models.PositiveIntegerField(null=True, blank=True, help_text="empty: all years")
    as_of = models.DateTimeField()
    computed_at = models.DateTimeField()
    seconds = models.FloatField(help_text="how long the computation took")
    results = models.JSONField(help_text="MetricResult.as_dict() of every metric")

    class Meta:
        indexes = [models.Index(fields=["year", "-computed_at"])]

    def __str__(self) -> str:
        return f"metrics {self.year or 'all years'} as of {self.as_of:%Y-%m-%d %H:%M}"
