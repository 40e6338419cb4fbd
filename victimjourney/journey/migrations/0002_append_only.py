"""Journey events are append-only: the database refuses to change them.

PostgreSQL refuses UPDATE and DELETE unless the transaction has set
`victimjourney.erasure = 'on'` (the retention and erasure commands, under UK GDPR, are the only
callers). SQLite refuses UPDATE. Corrections are new `correction.recorded` events.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION journey_event_append_only() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('victimjourney.erasure', true), '') = 'on' THEN
    RETURN COALESCE(NEW, OLD);
  END IF;
  RAISE EXCEPTION 'journey events are append-only: record a correction.recorded event instead';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER journey_event_append_only BEFORE UPDATE OR DELETE ON journey_event
  FOR EACH ROW EXECUTE FUNCTION journey_event_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS journey_event_append_only ON journey_event;
DROP FUNCTION IF EXISTS journey_event_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER journey_event_append_only BEFORE UPDATE ON journey_event
BEGIN
  SELECT RAISE(ABORT, 'journey events are append-only: record a correction.recorded event instead');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS journey_event_append_only;"


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("journey", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
