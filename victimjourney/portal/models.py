from django.db import models


class OneTimeCode(models.Model):
    """A sign-in code sent to the email or mobile number on record. Only its hash is kept."""

    victim = models.ForeignKey("victims.Victim", on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    channel = models.CharField(max_length=10)  # email or sms
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["victim", "created_at"])]

    def __str__(self) -> str:
        return f"code for victim {self.victim_id} ({self.channel})"


class Throttle(models.Model):
    """Counts attempts per key (a hash of a case reference or an IP address) in a window."""

    key = models.CharField(max_length=64, unique=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key[:8]}…: {self.count}"
