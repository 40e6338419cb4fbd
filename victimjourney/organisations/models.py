from django.db import models

from victimjourney.organisations.reference import KINDS, local_name


class Organisation(models.Model):
    """A Code service provider (or the victim, as the author of portal events).

    The code `<kind>:<slug>` is the primary key: it is what every feed, duty and audit entry
    names. Shipped organisations are loaded by a data migration; administrators add courts,
    youth offending teams and prisons.
    """

    code = models.CharField(primary_key=True, max_length=120)
    kind = models.CharField(max_length=20, choices=sorted(KINDS.items()))
    name = models.CharField(max_length=200)
    force = models.CharField(max_length=60, blank=True, help_text="police force area served")
    cps_area = models.CharField(max_length=120, blank=True)
    probation_region = models.CharField(max_length=120, blank=True)
    country = models.CharField(max_length=40, default="England")
    population = models.PositiveIntegerField(null=True, blank=True)
    shipped = models.BooleanField(default=False, help_text="part of the reference data")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def local_name(self) -> str:
        """The name to show: its Welsh form on a Welsh page, where it has one."""
        return local_name(self.code, self.name)
