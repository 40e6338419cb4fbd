from django.conf import settings
from django.db import models

from victimjourney.core.fields import EncryptedTextField

LINK_STATUSES = [("proposed", "Proposed"), ("confirmed", "Confirmed"), ("rejected", "Rejected")]
PROPOSAL_STATUSES = [("proposed", "Proposed"), ("confirmed", "Confirmed"),
                     ("declined", "Declined")]


class LinkageModel(models.Model):
    """A Splink model as used: its weights (trained on the records, or the shipped default),
    the frequency of each name among the records, and the threshold for proposing a link.
    The newest is the one in use."""

    created_at = models.DateTimeField()
    source = models.CharField(max_length=20)  # trained, or default (shipped, synthetic)
    records = models.PositiveIntegerField(help_text="records it was trained or refreshed on")
    settings = models.JSONField(help_text="the Splink model (settings and m/u probabilities)")
    frequencies = models.JSONField(default=dict,
                                   help_text="term frequencies of first names and surnames")
    threshold = models.FloatField(help_text="match probability at which a link is proposed")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} model of {self.created_at:%Y-%m-%d %H:%M}"


class LinkRecord(models.Model):
    """A victim record as linkage reads it: the normalised fields of `normalise.Normalised`
    (lists stored space-separated). Kept in step with the victims by `records_index_refresh`
    and, for one victim at a time, at first contact."""

    victim = models.OneToOneField("victims.Victim", on_delete=models.CASCADE,
                                  related_name="link_record")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    first_name = models.CharField(max_length=100, blank=True)
    first_std = models.CharField(max_length=200, blank=True)
    fi = models.CharField(max_length=1, blank=True)
    surname = models.CharField(max_length=100, blank=True)
    surname_parts = models.CharField(max_length=200, blank=True)
    surname_sx = models.CharField(max_length=4, blank=True)
    dob = models.CharField(max_length=10, blank=True)
    birth_year = models.CharField(max_length=4, blank=True)
    # Contact details, sealed at rest (core/crypto.py) like the victim's own: read back in
    # plaintext for the comparisons, which run in memory (Splink) after reading.
    postcode = EncryptedTextField(blank=True)
    address = EncryptedTextField(blank=True)
    house = EncryptedTextField(blank=True)
    phone = EncryptedTextField(blank=True)
    email = EncryptedTextField(blank=True)
    digest = models.CharField(max_length=32, help_text="of the victim's fields when indexed")
    indexed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"record {self.pk} (victim {self.victim_id})"


class LinkKey(models.Model):
    """A blocking key of a record (`normalise.blocking_keys`), stored as its keyed blind index
    (`core.crypto.blind_index`: a key holds a phone number, an email address or a postcode):
    the first-contact look-up finds candidates by these, with the index on (key, record)."""

    record = models.ForeignKey(LinkRecord, on_delete=models.CASCADE, related_name="keys",
                               db_index=False)
    key = models.CharField(max_length=300)

    class Meta:
        indexes = [models.Index(fields=["key", "record"]), models.Index(fields=["record"])]

    def __str__(self) -> str:
        return self.key


class LinkageRun(models.Model):
    """One batch linkage: what it read, what it found, how long each stage took."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    backend = models.CharField(max_length=10)
    model = models.ForeignKey(LinkageModel, null=True, on_delete=models.SET_NULL,
                              related_name="+")
    trained = models.BooleanField(default=False)
    records = models.PositiveIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0, help_text="pairs at or above the threshold")
    links_new = models.PositiveIntegerField(default=0)
    timings = models.JSONField(default=dict)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"linkage run {self.started_at:%Y-%m-%d %H:%M}"


class CandidateLink(models.Model):
    """Two victim records (on different cases) the model says may be one person, with the
    evidence field by field. A person confirms or rejects it; confirmed links make up the
    person's history. `left` is the record with the lower id."""

    left = models.ForeignKey(LinkRecord, on_delete=models.CASCADE, related_name="+",
                             db_index=False)
    right = models.ForeignKey(LinkRecord, on_delete=models.CASCADE, related_name="+")
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    gammas = models.JSONField(help_text="the level reached by each comparison of the model")
    weights = models.JSONField(help_text="the weight (log2 Bayes factor) of each comparison")
    model = models.ForeignKey(LinkageModel, on_delete=models.PROTECT, related_name="+")
    found_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=LINK_STATUSES, default="proposed")
    decided_by = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="one_link_per_pair"),
            models.CheckConstraint(condition=models.Q(left__lt=models.F("right")),
                                   name="link_left_below_right"),
        ]
        indexes = [models.Index(fields=["status", "-match_probability"])]

    def __str__(self) -> str:
        return f"{self.left_id}~{self.right_id} ({self.match_probability:.3f}, {self.status})"


class LinkDecision(models.Model):
    """A person's decision on a candidate link, with the reason: the link's status is the
    latest decision; the history is kept (append-only)."""

    link = models.ForeignKey(CandidateLink, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(max_length=10, choices=LINK_STATUSES[1:])
    reason = models.TextField()
    decided_by = models.CharField(max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                             related_name="+")
    organisation = models.CharField(max_length=100, blank=True)
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.decision} by {self.decided_by}"


class CategoryProposal(models.Model):
    """A victim who meets a persistently-targeted definition across their linked records,
    proposed for the category on their latest case with the evidence. A person confirms it
    (which records a `victim.categorised` event) or declines it, with a reason."""

    record = models.ForeignKey(LinkRecord, on_delete=models.CASCADE, related_name="proposals")
    rule = models.CharField(max_length=40)
    summary = models.TextField()
    evidence = models.JSONField()
    proposed_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=PROPOSAL_STATUSES, default="proposed")
    decided_by = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    event_id = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record", "rule"],
                                               name="one_proposal_per_record_and_rule")]
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.rule} for record {self.record_id} ({self.status})"
