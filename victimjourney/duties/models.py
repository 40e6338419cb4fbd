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
            models.Index(fields=["entitlement", "status"]),
        ]
        verbose_name_plural = "duties"

    def __str__(self) -> str:
        return f"{self.entitlement} for {self.victim_id}: {self.status}"
