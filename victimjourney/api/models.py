from django.db import models


class ApiKey(models.Model):
    """A key by which one organisation's system calls the REST API.

    Only a SHA-256 hash of the token is stored: a token is 32 random bytes, so a fast hash is
    enough (nothing to guess from), and the look-up is one indexed equality. `prefix` is the
    token's first characters, shown so that a key can be recognised without revealing it.
    A revoked key stays, for the record of who called what.
    """

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                     related_name="api_keys")
    name = models.CharField(max_length=100, help_text="what calls with it, e.g. 'Athena feed'")
    prefix = models.CharField(max_length=16)
    hashed = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True,
                                        help_text="to the minute: refreshed at most once a minute")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation_id", "name", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"],
                                    condition=models.Q(revoked_at__isnull=True),
                                    name="one_active_api_key_name_per_organisation"),
        ]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.name} ({self.prefix}…)"
