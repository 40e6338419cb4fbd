"""Recipients' addresses and numbers encrypted at rest (victimjourney/core/crypto.py): a
receipt's detail (a GOV.UK Notify callback names the recipient in `to`) and a delivery's last
error (a refusal may quote the address). Values stored before are sealed under the newest key
of VJ_FIELD_KEYS (needed only when there are values to seal)."""

from django.db import migrations

import victimjourney.core.fields
from victimjourney.core.rekey import SealedColumn, column_has_values, column_reseal, column_unseal

COLUMNS = (
    SealedColumn(label="notifications.Delivery.last_error", table="notifications_delivery",
                 pk="id", column="last_error", kind="text"),
    SealedColumn(label="notifications.Receipt.detail", table="notifications_receipt",
                 pk="id", column="detail", kind="json"),
)


def seal(apps, schema_editor):
    for col in COLUMNS:
        if column_has_values(col):
            column_reseal(col)


def unseal(apps, schema_editor):
    for col in COLUMNS:
        column_unseal(col)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]
    operations = [
        migrations.AlterField(
            model_name="delivery",
            name="last_error",
            field=victimjourney.core.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="receipt",
            name="detail",
            field=victimjourney.core.fields.EncryptedJSONField(blank=True, default=dict),
        ),
        migrations.RunPython(seal, unseal),
    ]
