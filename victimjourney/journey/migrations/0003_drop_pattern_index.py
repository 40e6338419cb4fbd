"""Drop the LIKE-pattern index Django adds for a text primary key on PostgreSQL.

Event ids are only ever looked up by equality, so `journey_event_id_..._like` costs every
insert and serves no query.
"""

from django.db import migrations


def up(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'journey_event' "
                       "AND indexname LIKE '%%\\_like'")
        for (name,) in cursor.fetchall():
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("journey", "0002_append_only")]
    operations = [migrations.RunPython(up, migrations.RunPython.noop)]
