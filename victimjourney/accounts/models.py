from django.conf import settings
from django.db import models

from victimjourney.accounts.roles import ROLES


class StaffProfile(models.Model):
    """A member of staff: their organisation and role."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="staff")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                     related_name="staff")
    role = models.CharField(max_length=40, choices=sorted(ROLES.items()))

    def __str__(self) -> str:
        return f"{self.user} ({ROLES[self.role]}, {self.organisation_id})"
