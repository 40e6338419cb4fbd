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


class CaseOrganisation(models.Model):
    """An organisation involved in a case (it recorded an event on it, or owes a duty on it).

    Staff see the cases their organisation is involved in; this projection, kept by the
    importer, makes that one indexed join.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="organisations",
                             db_index=False)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                     related_name="+", db_constraint=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "organisation"],
                                               name="one_row_per_case_organisation")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.organisation_id}"
