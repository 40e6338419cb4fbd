"""Chain the audit log: every entry gets `prev_hash` and `hash` (victimjourney/audit/chain.py).

Entries written before this migration are chained here in id order, from GENESIS. The actor
keeps its id when a user is deleted (no foreign key constraint, no SET NULL): an UPDATE of the
log would be refused once migration 0003 is in place.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from victimjourney.audit.chain import FIELDS, GENESIS, entry_hash

CHUNK = 2000


def chain_existing(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    db = schema_editor.connection.alias
    prev = GENESIS
    batch = []
    rows = (AuditEntry.objects.using(db).order_by("id")
            .values("id", *FIELDS).iterator(chunk_size=CHUNK))
    for row in rows:
        digest = entry_hash(row, prev)
        batch.append(AuditEntry(id=row["id"], prev_hash=prev, hash=digest))
        prev = digest
        if len(batch) >= CHUNK:
            AuditEntry.objects.using(db).bulk_update(batch, ["prev_hash", "hash"])
            batch = []
    if batch:
        AuditEntry.objects.using(db).bulk_update(batch, ["prev_hash", "hash"])


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(db_constraint=False, null=True,
                                    on_delete=django.db.models.deletion.DO_NOTHING,
                                    related_name="+", to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(max_length=64, unique=True),
        ),
    ]
