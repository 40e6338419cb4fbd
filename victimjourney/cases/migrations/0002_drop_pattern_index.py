"""Drop the LIKE-pattern index Django adds for a unique text column on PostgreSQL.

Case references are only looked up by equality.
"""

from django.db import migrations


def up(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'cases_case' "
                       "AND indexname LIKE '%%\\_like'")
        for (name,) in cursor.fetchall():
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(up, migrations.RunPython.noop)]
