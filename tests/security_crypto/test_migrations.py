"""The migrations that introduced encryption, on a database written before it: contact details
and Notify receipts get sealed, event digests become blind indexes (so a re-sent old event is
still a no-op), and the way back gives the plaintext and the plain digests again."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.helpers import lines, raw
from tests.security_crypto.conftest import ADDRESS, EMAIL, PHONE, assert_no_plaintext, stored
from victimjourney.core import clock, crypto
from victimjourney.duties.services import feed_import
from victimjourney.journey.feed import parse_event
from victimjourney.organisations.reference import shipped_organisations

BEFORE = [("journey", "0003_drop_pattern_index"), ("victims", "0001_initial"),
          ("notifications", "0001_initial")]
APPS = ("journey", "victims", "notifications")
NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
LINE = raw("m1", "victim.identified", "2026-11-16 09:00", case="KEN/9/26", victim="V1",
           kind="person", name="Sam", contact={"email": EMAIL, "phone": PHONE,
                                               "address": ADDRESS})


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return [node for node in executor.loader.graph.leaf_nodes() if node[0] in APPS]


def digests():
    return dict(_rows("SELECT id, digest FROM journey_event"))


def _rows(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_encryption_is_sealed_and_unsealed_by_the_migrations():
    from victimjourney.organisations.services import reference_load

    reference_load()  # an earlier transactional test may have flushed the reference data
    event = parse_event(LINE, 1, shipped_organisations())
    try:
        old = migrate(BEFORE)
        case = old.get_model("cases", "Case").objects.create(reference="KEN/9/26",
                                                              force_id="police:kent")
        old.get_model("victims", "Victim").objects.create(
            case_id=case.pk, key="V1", kind="person", contact=event.data["contact"],
            identified_at=event.occurred_at)
        old.get_model("journey", "Event").objects.create(
            id="m1", type=event.type, case_id=case.pk, victim_key="V1",
            provider_id="police:kent", occurred_at=event.occurred_at,
            received_at=event.received_at, data=event.data, digest=event.digest,
            recorded_at=NOW)
        assert EMAIL in stored("victims_victim", "contact")[0]

        migrate(latest())
        assert_no_plaintext(stored("victims_victim", "contact") + stored("journey_event", "data"))
        assert crypto.key_id(stored("victims_victim", "contact")[0]) == crypto.keyring().newest
        assert "_sealed" in json.loads(stored("journey_event", "data")[0])
        assert digests() == {"m1": crypto.blind_index(event.digest)}
        with clock.frozen(NOW):
            again = feed_import(lines=lines(LINE), source="re-sent")
        assert (again.events_new, again.events_repeated) == (0, 1)

        migrate(BEFORE)
        assert json.loads(stored("victims_victim", "contact")[0]) == event.data["contact"]
        assert json.loads(stored("journey_event", "data")[0]) == event.data
        assert digests() == {"m1": event.digest}
    finally:
        migrate(latest())


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_linkage_index_from_before_encryption_is_sealed_and_its_keys_blind_indexed():
    from victimjourney.linkage.indexing import records_index_refresh
    from victimjourney.organisations.services import reference_load

    reference_load()
    with clock.frozen(NOW):
        feed_import(lines=lines(
            raw("l1", "crime.reported", "2026-11-16 09:00", case="KEN/9/26", offence="theft"),
            LINE), source="test")
    records_index_refresh(now=NOW)
    linkage_before = [("linkage", "0001_initial")]
    linkage_latest = [node for node in MigrationExecutor(connection).loader.graph.leaf_nodes()
                      if node[0] == "linkage"]
    try:
        migrate(linkage_before)  # the way back: plaintext again, the keys cleared
        assert stored("linkage_linkrecord", "phone") == ["07700900456"]
        assert _rows("SELECT count(*) FROM linkage_linkkey") == [(0,)]
        record_id = _rows("SELECT id FROM linkage_linkrecord")[0][0]
        with connection.cursor() as cursor:  # a key as the index stored it before
            cursor.execute("INSERT INTO linkage_linkkey (record_id, key) VALUES (%s, %s)",
                           [record_id, "phone:07700900456"])

        migrate(linkage_latest)
        for column in ("postcode", "address", "house", "phone", "email"):
            assert crypto.key_id(stored("linkage_linkrecord", column)[0]) == \
                crypto.keyring().newest, column
        assert_no_plaintext(stored("linkage_linkrecord", "address")
                            + stored("linkage_linkrecord", "email"))
        assert stored("linkage_linkkey", "key") == [crypto.blind_index("phone:07700900456")]
        assert stored("linkage_linkrecord", "digest") == [""]  # the next run re-indexes
        assert records_index_refresh(now=NOW).changed == 1
    finally:
        migrate(linkage_latest)
