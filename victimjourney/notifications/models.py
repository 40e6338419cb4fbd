"""The notifications outbox: what a victim is to be told (`Notice`), each attempt to tell them
on one channel (`Delivery`), and every receipt about an attempt (`Receipt`).

A notice is written in the same transaction as the events that cause it (`outbox.notices_plan`,
called by `duties.services.feed_import`): the transactional outbox. The worker
(`tasks.notice_deliver`) claims a delivery with one conditional UPDATE, so it is sent at most
once; its idempotency key (`Delivery.reference`: the GOV.UK Notify `reference`, the email
Message-ID) makes a resend after a crash recognisable. A notice meets duties only once a
delivery of it is confirmed (`delivery.notice_delivered`).
"""

from __future__ import annotations

from django.db import models

from victimjourney.core.fields import EncryptedJSONField, EncryptedTextField

NOTICE_STATUSES = [
    ("open", "Being sent"),
    ("delivered", "Delivered"),
    ("cancelled", "Not needed (the duty was met another way)"),
    ("failed", "Failed on every allowed channel"),
]

CHANNELS = [
    ("email", "Email"),
    ("sms", "Text message"),
    ("letter", "Letter"),
    ("portal", "Portal message"),
    ("phone", "Phone call (task for a person)"),
]

DELIVERY_STATUSES = [
    ("queued", "Queued"),  # waiting for the worker (first attempt or a retry after backoff)
    ("sending", "Sending"),  # claimed by a worker until lease_until
    ("sent", "Sent, awaiting receipt"),
    ("delivered", "Delivered"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
    ("task", "Task for a person"),  # phone: open
    ("done", "Task done"),  # phone: the duty was met
]


class Notice(models.Model):
    """One thing one victim must be told: about one event (one kind of notice), from one
    organisation, in the victim's language. Its content is rendered once, from the case
    record, and kept: what was said is what is stored."""

    # Natural key: "<trigger event>:<victim key>:<kind>" for notices the duties cause, or the
    # caller's key for portal invitations and one-time codes. Planning twice is a no-op.
    key = models.CharField(max_length=300, unique=True)
    kind = models.CharField(max_length=40)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    victim = models.ForeignKey("victims.Victim", on_delete=models.CASCADE,
                               related_name="notices")
    trigger_event = models.ForeignKey("journey.Event", null=True, on_delete=models.PROTECT,
                                      related_name="+", db_constraint=False)
    entitlements = models.JSONField(default=list, blank=True)  # the duties it answers
    # Indexed by (sender, created_at) below.
    sender = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                               related_name="+", db_constraint=False, db_index=False)
    language = models.CharField(max_length=2)
    title = models.CharField(max_length=200)
    body = models.TextField()  # the full notice: letters and the portal
    alert_subject = models.CharField(max_length=200)  # email subject
    alert_text = models.TextField()  # email and SMS text: no case details
    status = models.CharField(max_length=12, choices=NOTICE_STATUSES, default="open")
    due_at = models.DateTimeField(null=True, blank=True)  # the earliest deadline it answers
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivered_channel = models.CharField(max_length=10, blank=True)
    # The event written when delivery was confirmed (contact.made or complaint.responded).
    evidence_event_id = models.CharField(max_length=200, blank=True)
    evidence_at = models.DateTimeField(null=True, blank=True)
    evidence_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            # Delivered notices whose evidence is still to be written (the evidence task).
            models.Index(fields=["delivered_at"], name="notice_evidence_pending",
                         condition=models.Q(status="delivered", evidence_at__isnull=True)),
            models.Index(fields=["sender", "created_at"], name="notice_by_sender"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.victim_id} ({self.status})"


class Delivery(models.Model):
    """One channel's attempt at a notice. A channel is tried at most once per notice (a
    supervisor's retry reuses the row with a new `generation`, hence a new idempotency key);
    a permanent failure falls back to the next allowed channel, ending in a phone task."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=10, choices=CHANNELS)
    status = models.CharField(max_length=12, choices=DELIVERY_STATUSES)
    generation = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)  # null: as soon as possible
    enqueued_at = models.DateTimeField(null=True, blank=True)  # last re-enqueued by the sweep
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # Email: set (and committed) just before the end of the SMTP DATA. A worker that dies after
    # it may or may not have handed the message over: the resend keeps the same Message-ID.
    committing_at = models.DateTimeField(null=True, blank=True)
    ambiguous = models.BooleanField(default=False)  # an attempt ended without knowing
    provider_id = models.CharField(max_length=200, blank=True)  # Notify id, or Message-ID
    provider_status = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    # Encrypted: a refusal may quote the recipient's address or number.
    last_error = EncryptedTextField(blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    retried_by = models.CharField(max_length=150, blank=True)
    fallback_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "channel"],
                                    name="one_delivery_per_notice_channel"),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="delivery_queued",
                         condition=models.Q(status="queued")),
            models.Index(fields=["lease_until"], name="delivery_sending",
                         condition=models.Q(status="sending")),
            models.Index(fields=["channel", "sent_at"], name="delivery_awaiting_receipt",
                         condition=models.Q(status="sent")),
            models.Index(fields=["status", "channel", "created_at"], name="delivery_figures"),
        ]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.channel} {self.reference} ({self.status})"

    @property
    def reference(self) -> str:
        """The idempotency key of this attempt: the same across a crash and a resend, new on
        a supervisor's retry."""
        return f"vj-{self.pk}-{self.generation}"


class Receipt(models.Model):
    """Something a channel told us about a delivery (append-only): SMTP acceptance, a Notify
    callback or status poll, the victim reading a portal message."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="receipts")
    source = models.CharField(max_length=20)  # smtp, notify_callback, notify_poll, portal
    status = models.CharField(max_length=40)
    at = models.DateTimeField()
    # Encrypted: a GOV.UK Notify callback carries the recipient's address or number (`to`).
    detail = EncryptedJSONField(default=dict, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["delivery_id", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.source} {self.status} for {self.delivery_id}"
