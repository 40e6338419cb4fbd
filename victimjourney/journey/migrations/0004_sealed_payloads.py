"""Contact details in journey events encrypted at rest (victimjourney/core/crypto.py).

1. The append-only trigger gains a narrow escape for re-encryption: when the transaction has
   set `victimjourney.rekey = 'on'`, an UPDATE may change `data` and `digest` and nothing else
   (`journey.services.events_rekeyable`, used by `victimjourney rotate_keys`). DELETE stays
   refused; the erasure escape (`victimjourney.erasure`) is unchanged.
2. `data` keeps its sensitive keys sealed together under `_sealed` (SealedPayloadField); the
   column itself is unchanged.
3. Every stored event is rewritten once: its contact details sealed under the newest key of
   VJ_FIELD_KEYS, and its digest replaced by the keyed blind index of the old one
   (`journey.services.stored_digest`). Needs the keys only when there are events.
"""

import json

from django.db import migrations

import victimjourney.core.fields
from victimjourney.core import crypto

SENSITIVE = frozenset({"address", "contact", "contact_times", "email", "note", "phone",
                       "postcode", "safe_contact"})

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION journey_event_append_only() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('victimjourney.erasure', true), '') = 'on' THEN
    RETURN COALESCE(NEW, OLD);
  END IF;
  IF TG_OP = 'UPDATE' AND coalesce(current_setting('victimjourney.rekey', true), '') = 'on'
     AND (NEW.id, NEW.type, NEW.case_id, NEW.victim_key, NEW.provider_id, NEW.occurred_at,
          NEW.received_at, NEW.batch_id, NEW.recorded_at)
         IS NOT DISTINCT FROM
         (OLD.id, OLD.type, OLD.case_id, OLD.victim_key, OLD.provider_id, OLD.occurred_at,
          OLD.received_at, OLD.batch_id, OLD.recorded_at) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'journey events are append-only: record a correction.recorded event instead';
END;
$$ LANGUAGE plpgsql;
"""
PG_FUNCTION_0002 = """
CREATE OR REPLACE FUNCTION journey_event_append_only() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('victimjourney.erasure', true), '') = 'on' THEN
    RETURN COALESCE(NEW, OLD);
  END IF;
  RAISE EXCEPTION 'journey events are append-only: record a correction.recorded event instead';
END;
$$ LANGUAGE plpgsql;
"""
SQLITE_TRIGGER = """
CREATE TRIGGER journey_event_append_only BEFORE UPDATE ON journey_event
BEGIN
  SELECT RAISE(ABORT, 'journey events are append-only: record a correction.recorded event instead');
END;
"""
CHUNK = 2000


def function_up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)


def function_down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION_0002)


def _rewrite(connection, rows):
    """UPDATE (id, data, digest) rows through the re-encryption escape."""
    postgres = connection.vendor == "postgresql"
    cast = "%s::jsonb" if postgres else "%s"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET LOCAL victimjourney.rekey = 'on'")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS journey_event_append_only")
        cursor.executemany(f"UPDATE journey_event SET data = {cast}, digest = %s WHERE id = %s",
                           [(data, digest, pk) for pk, data, digest in rows])
        if postgres:
            cursor.execute("SET LOCAL victimjourney.rekey = 'off'")
        else:
            cursor.execute(SQLITE_TRIGGER)


def seal(apps, schema_editor):
    connection = schema_editor.connection
    last = ""
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, data, digest FROM journey_event WHERE id > %s "
                           f"ORDER BY id LIMIT {CHUNK}", [last])
            rows = cursor.fetchall()
        if not rows:
            return
        out = []
        for pk, data, digest in rows:
            value = json.loads(data) if isinstance(data, str) else data
            sealed = crypto.seal_payload(value or {}, SENSITIVE)
            out.append((pk, crypto.dumps(sealed).decode(), crypto.blind_index(digest)))
        _rewrite(connection, out)
        last = rows[-1][0]


def unseal(apps, schema_editor):
    from victimjourney.journey.feed import event_digest

    event = apps.get_model("journey", "Event")
    last = ""
    while True:
        rows = list(event.objects.filter(id__gt=last).order_by("id").values_list(
            "id", "type", "case__reference", "provider_id", "occurred_at", "received_at",
            "victim_key", "data")[:CHUNK])
        if not rows:
            return
        out = []
        for pk, etype, case, provider, occurred, received, victim, data in rows:
            digest = event_digest(type=etype, case=case, provider=provider, occurred_at=occurred,
                                  received_at=received, victim=victim or None, data=data)
            out.append((pk, crypto.dumps(data).decode(), digest))
        _rewrite(schema_editor.connection, out)
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [("journey", "0003_drop_pattern_index")]
    operations = [
        migrations.RunPython(function_up, function_down),
        # The column is unchanged (JSON): no table rebuild, which on SQLite would also drop
        # the append-only trigger.
        migrations.SeparateDatabaseAndState(state_operations=[migrations.AlterField(
            model_name="event",
            name="data",
            field=victimjourney.core.fields.SealedPayloadField(default=dict, sensitive=sorted(
                SENSITIVE)),
        )]),
        migrations.RunPython(seal, unseal),
    ]
