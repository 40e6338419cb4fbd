from django.db import models

STATUS_CHOICES = [
    ("open", "Open"),
    ("met", "Met"),
    ("late", "Late"),
    ("breached", "Breached"),
    ("not_applicable", "Not applicable"),
]


class Duty(models.Model):
    """What one agency owes one victim because of one event, under one entitlement.

    Computed by `duties.engine` (a pure function of the case's events) and stored with its
    deadline, so the overdue sweep is one conditional update over an indexed column.
    """

    # Checked by the database, although the row-by-row check costs a bulk import more than all
    # the table's indexes together: the planner estimates joins from these keys, and without
    # them the inspection metrics' joins of duties, victims and cases took minutes, not seconds.
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="duties")
    victim = models.ForeignKey("victims.Victim", on_delete=models.CASCADE, related_name="duties")
    # Indexed by the unique constraint below (trigger_event first).
    trigger_event = models.ForeignKey("journey.Event", on_delete=models.PROTECT,
                                      related_name="+", db_constraint=False, db_index=False)
    trigger_type = models.CharField(max_length=60)
    triggered_at = models.DateTimeField()
    entitlement = models.CharField(max_length=60)
    edition = models.CharField(max_length=4)
    # Checked on the way in (see journey.Event.provider); no database-level key check.
    provider = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                 related_name="duties", db_constraint=False, db_index=False)
    enhanced = models.BooleanField()
    basis = models.TextField()
    due_date = models.DateField(null=True)
    due_at = models.DateTimeField(null=True)
    deadline_text = models.CharField(max_length=120)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES)
    fulfilled_by = models.ForeignKey("journey.Event", null=True, on_delete=models.PROTECT,
                                     related_name="+", db_constraint=False, db_index=False)
    fulfilled_at = models.DateTimeField(null=True)
    reason = models.TextField(blank=True)
    unverified = models.BooleanField(default=False)
    evaluated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["trigger_event", "victim", "entitlement"],
                                    name="one_duty_per_trigger_victim_entitlement"),
        ]
        indexes = [
            # Open duties only: what the sweep and "my duties" read, a fraction of the table.
            models.Index(fields=["due_at"], condition=models.Q(status="open"),
                         name="duty_open_by_due"),
            # What an organisation still has to do (open, or breached and not yet done).
            models.Index(fields=["provider", "status", "due_at"],
                         condition=models.Q(status__in=["open", "breached"]),
                         name="duty_todo_by_provider"),
            # "My duties": the open duties with a deadline, a day at a time in deadline order
            # (due today, this week, later), and those without one, newest first. Each group's
            # page and its count read one of these and nothing else (index-only counts).
            models.Index(fields=["provider", "due_date", "due_at", "id"],
                         condition=models.Q(status="open", due_date__isnull=False),
                         name="duty_todo_dated"),
            models.Index(fields=["provider", "-triggered_at", "id"],
                         condition=models.Q(status="open", due_date__isnull=True),
                         name="duty_todo_undated"),
            models.Index(fields=["entitlement", "status"]),
        ]
        verbose_name_plural = "duties"

    def __str__(self) -> str:
        return f"{self.entitlement} for {self.victim_id}: {self.status}"


class ImportCheckpoint(models.Model):
    """How far a resumable file import has got (`duties.fileimport`). The file is known by its
    size and SHA-256; `offset` and `lines_done` are those of the last batch committed, and
    are written in that batch's transaction, so they never run ahead of or behind the data."""

    source = models.CharField(max_length=500)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    keep_valid = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    validated_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    batch = models.ForeignKey("journey.ImportBatch", null=True, on_delete=models.PROTECT,
                              related_name="+", db_constraint=False, db_index=False)
    lines_done = models.BigIntegerField(default=0)
    offset = models.BigIntegerField(default=0)
    rejects_size = models.BigIntegerField(default=0)  # bytes of the rejects file written
    events_new = models.BigIntegerField(default=0)
    events_repeated = models.BigIntegerField(default=0)
    rejected = models.BigIntegerField(default=0)
    duties_written = models.BigIntegerField(default=0)
    cases = models.BigIntegerField(default=0)

    class Meta:
        # The interrupted import of a file, found by its path (then its size and SHA-256).
        indexes = [models.Index(fields=["source", "finished_at"],
                                name="import_checkpoint_by_file")]

    def __str__(self) -> str:
        return f"{self.source}: {self.lines_done} lines"


class ImportLine(models.Model):
    """A line of a file being checked before a resumable import applies any of it: what later
    lines of the same file may refer to or clash with. Rolled back when the check ends;
    unlogged on PostgreSQL (scratch: a server crash loses it, and the check starts again)."""

    checkpoint = models.ForeignKey(ImportCheckpoint, on_delete=models.CASCADE,
                                   related_name="+", db_constraint=False, db_index=False)
    line = models.BigIntegerField()
    event_id = models.CharField(max_length=200)
    digest = models.CharField(max_length=64)
    case_ref = models.CharField(max_length=100)
    type = models.CharField(max_length=60)
    victim = models.CharField(max_length=100, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["checkpoint", "event_id"], name="import_line_by_id"),
            models.Index(fields=["checkpoint", "case_ref"], name="import_line_by_case"),
        ]

    def __str__(self) -> str:
        return f"line {self.line}: {self.event_id}"
