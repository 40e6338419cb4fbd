"""Victims' contact details encrypted at rest (victimjourney/core/crypto.py): the column
becomes text holding one sealed value, and every value stored before is sealed under the
newest key of VJ_FIELD_KEYS (needed only when there are victims to seal)."""

from django.db import migrations

import victimjourney.core.fields
from victimjourney.core.rekey import SealedColumn, column_has_values, column_reseal, column_unseal

CONTACT = SealedColumn(label="victims.Victim.contact", table="victims_victim", pk="id",
                       column="contact", kind="json")


def seal(apps, schema_editor):
    if column_has_values(CONTACT):
        column_reseal(CONTACT)


def unseal(apps, schema_editor):
    column_unseal(CONTACT)


class Migration(migrations.Migration):
    dependencies = [("victims", "0001_initial")]
    operations = [
        migrations.AlterField(
            model_name="victim",
            name="contact",
            field=victimjourney.core.fields.EncryptedJSONField(blank=True, default=dict),
        ),
        migrations.RunPython(seal, unseal),
    ]
