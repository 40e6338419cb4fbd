from django.db import models


class Case(models.Model):
    """A crime and everything that follows it, identified by its crime reference number."""

    reference = models.CharField(max_length=100, unique=True)
    force = models.ForeignKey("organisations.Organisation", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    offence = models.CharField(max_length=200, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-reported_at", "reference"]

    def __str__(self) -> str:
        return self.reference
