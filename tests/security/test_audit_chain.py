"""The audit log is a hash chain that the database will not let anyone change: every tampering
the chain can show (a changed field, a deleted, inserted or moved entry) is reported at the
right entry; what it cannot show on its own (the end cut off, the whole chain recomputed) is
caught against an exported head."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import itertools
import json
import re
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from victimjourney.audit.chain import CHECKPOINT_ACTION, FIELDS, GENESIS, entry_hash
from victimjourney.audit.models import AuditEntry
from victimjourney.audit.services import audit_purge, audit_record
from victimjourney.core import clock

pytestmark = pytest.mark.django_db
APPEND_ONLY = importlib.import_module("victimjourney.audit.migrations.0003_append_only")
ROOT = Path(__file__).resolve().parents[2]
T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def write(n: int, *, start: dt.datetime = T0, step: dt.timedelta = dt.timedelta(minutes=1),
          prefix: str = "KEN") -> list[AuditEntry]:
    entries = []
    for i in range(n):
        with clock.frozen(start + i * step):
            entries.append(audit_record(
                user=None, actor_name=f"officer{i}", organisation="police:kent",
                role="investigating_officer", action="view_case",
                case_reference=f"{prefix}/{i}/26", victim_key="V1", detail=f"détail {i}"))
    return entries


def tamper(sql: str, params: list | tuple = ()) -> None:
    """Run SQL on the audit table with its append-only trigger out of the way (as an attacker
    with the database owner's rights could); the trigger is back afterwards."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")
        else:
            cursor.execute("DROP TRIGGER audit_entry_append_only")
            cursor.execute(sql, params)
            cursor.execute(APPEND_ONLY.SQLITE_UP)


def _db(column: str, value):
    return connection.ops.adapt_datetimefield_value(value) if column == "at" else value


def set_columns(entry_id: int, **values) -> None:
    assignments = ", ".join(f"{column} = %s" for column in values)
    tamper(f"UPDATE audit_auditentry SET {assignments} WHERE id = %s",
           [*(_db(c, v) for c, v in values.items()), entry_id])


def insert_row(**values) -> None:
    columns = ", ".join(values)
    marks = ", ".join(["%s"] * len(values))
    tamper(f"INSERT INTO audit_auditentry ({columns}) VALUES ({marks})",
           [_db(c, v) for c, v in values.items()])


def row(entry_id: int) -> dict:
    return AuditEntry.objects.values("id", "prev_hash", "hash", *FIELDS).get(id=entry_id)


def check(*args: str) -> dict:
    """The JSON result of audit_check, and whether it exited non-zero."""
    out = StringIO()
    try:
        call_command("audit_check", "--json", *args, stdout=out, stderr=StringIO())
        failed = None
    except CommandError as exc:
        failed = exc
    result = json.loads(out.getvalue())
    assert (failed is not None) == (not result["ok"])
    if failed is not None:
        assert failed.returncode == 1
        assert f"entry {result['problem']['id']}" in str(failed)
    return result


def expected_hash(entry: AuditEntry, prev: str) -> str:
    """The hash as documented in chain.py, built independently of it."""
    values = [1, prev, entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
              entry.actor_id, entry.actor_name, entry.organisation, entry.role, entry.action,
              entry.case_reference, entry.victim_key, entry.detail]
    text = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- the chain -------------------------------------------------------------------------------

def test_each_entry_hashes_its_fields_and_links_to_the_one_before():
    entries = write(4)
    stored = list(AuditEntry.objects.order_by("id"))
    assert [e.id for e in stored] == [e.id for e in entries]
    assert stored[0].prev_hash == GENESIS
    for before, entry in itertools.pairwise(stored):
        assert entry.prev_hash == before.hash
    for entry in stored:
        assert entry.hash == expected_hash(entry, entry.prev_hash)


def test_a_staff_member_is_recorded_by_id_name_organisation_and_role():
    from victimjourney.accounts.services import staff_create

    user = staff_create(username="kim", password="correct horse battery",
                        organisation="police:kent", role="investigating_officer")
    entry = audit_record(user=user, action="view_case", case_reference="KEN/1/26")
    stored = row(entry.id)
    assert (stored["actor_id"], stored["actor_name"], stored["organisation"], stored["role"]) == (
        user.pk, "kim", "police:kent", "investigating_officer")
    assert stored["hash"] == entry_hash(stored, GENESIS)


def test_an_intact_chain_verifies_and_names_its_head():
    entries = write(5)
    result = check()
    assert result == {"ok": True, "checked": 5, "first_id": entries[0].id,
                      "head": {"id": entries[-1].id, "hash": entries[-1].hash}, "problem": None}
    out = StringIO()
    call_command("audit_check", "--quiet", stdout=out)
    assert f"Audit chain verified: 5 entries, ids {entries[0].id} to {entries[-1].id}." \
        in out.getvalue()
    assert f"--expect {entries[-1].id}:{entries[-1].hash}" in out.getvalue()


def test_an_empty_log_verifies():
    assert check() == {"ok": True, "checked": 0, "first_id": None, "head": None,
                       "problem": None}


@pytest.mark.parametrize("column, value", [
    ("detail", "détail 2 (edited)"),
    ("actor_name", "someone else"),
    ("case_reference", "KEN/99/26"),
    ("action", "view_letter"),
    ("at", T0 + dt.timedelta(minutes=2, microseconds=1)),
])
def test_a_changed_field_is_reported_at_that_entry(column, value):
    entries = write(5)
    set_columns(entries[2].id, **{column: value})
    result = check()
    assert result["problem"]["id"] == entries[2].id
    assert result["problem"]["kind"] == "changed"
    assert result["checked"] == 2


def test_a_changed_entry_whose_hash_was_recomputed_is_reported_at_the_next_entry():
    entries = write(5)
    changed = row(entries[2].id) | {"detail": "rewritten"}
    set_columns(entries[2].id, detail="rewritten", hash=entry_hash(changed, changed["prev_hash"]))
    result = check()
    assert (result["problem"]["id"], result["problem"]["kind"]) == (entries[3].id, "deleted")
    assert result["checked"] == 3


def test_an_entry_deleted_from_the_middle_is_reported_at_the_entry_after_it():
    entries = write(5)
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[2].id])
    result = check()
    assert (result["problem"]["id"], result["problem"]["kind"]) == (entries[3].id, "deleted")
    assert f"entry {entries[1].id} comes before it" in result["problem"]["message"]


def test_the_first_entries_deleted_without_a_retention_purge_are_reported():
    entries = write(4)
    tamper("DELETE FROM audit_auditentry WHERE id <= %s", [entries[1].id])
    result = check()
    assert (result["problem"]["id"], result["problem"]["kind"]) == (entries[2].id, "deleted")
    assert result["checked"] == 0


def _make_gap(size: int) -> None:
    """Leave SIZE unused ids after the newest entry (as rolled-back inserts do)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence('audit_auditentry', 'id'), "
                           "(SELECT max(id) FROM audit_auditentry) + %s)", [size])
        else:
            cursor.execute("UPDATE sqlite_sequence SET seq = seq + %s "
                           "WHERE name = 'audit_auditentry'", [size])


def test_an_entry_inserted_into_a_gap_with_a_valid_hash_is_reported():
    first = write(3)
    _make_gap(10)
    later = write(2, start=T0 + dt.timedelta(hours=1), prefix="LATE")
    assert later[0].id == first[-1].id + 11
    forged = {"at": T0 + dt.timedelta(minutes=30), "actor_id": None, "actor_name": "nobody",
              "organisation": "", "role": "", "action": "view_case",
              "case_reference": "KEN/7/26", "victim_key": "", "detail": "forged"}
    forged_hash = entry_hash(forged, first[-1].hash)
    insert_row(id=first[-1].id + 5, prev_hash=first[-1].hash, hash=forged_hash, **forged)
    result = check()
    assert (result["problem"]["id"], result["problem"]["kind"]) == (later[0].id, "inserted")
    assert f"after entry {first[-1].id}" in result["problem"]["message"]


def test_an_inserted_entry_with_a_made_up_hash_is_reported_at_itself():
    first = write(3)
    _make_gap(10)
    write(2, start=T0 + dt.timedelta(hours=1), prefix="LATE")
    insert_row(id=first[-1].id + 5, prev_hash=first[-1].hash, hash="f" * 64, at=T0,
               actor_name="nobody", organisation="", role="", action="view_case",
               case_reference="", victim_key="", detail="")
    result = check()
    assert (result["problem"]["id"], result["problem"]["kind"]) == (first[-1].id + 5, "changed")


def test_entries_swapped_in_order_are_reported():
    entries = write(5)
    second, fourth = row(entries[1].id), row(entries[3].id)
    columns = ["prev_hash", "hash", *FIELDS]
    set_columns(fourth["id"], hash="0" * 63 + "1")  # out of the unique index's way
    set_columns(second["id"], **{c: fourth[c] for c in columns})
    set_columns(fourth["id"], **{c: second[c] for c in columns})
    result = check()
    assert (result["problem"]["id"], result["problem"]["kind"]) == (entries[1].id, "reordered")
    assert f"links to entry {entries[2].id}" in result["problem"]["message"]


# --- exported heads: the end of the log, and a recomputed chain -----------------------------

def test_deleting_the_newest_entry_needs_an_exported_head_to_be_seen():
    entries = write(4)
    head = f"{entries[-1].id}:{entries[-1].hash}"
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].id])
    assert check()["ok"]  # a shorter chain is still a chain: the documented limit
    result = check("--expect", head)
    assert (result["problem"]["id"], result["problem"]["kind"]) == (entries[-1].id, "truncated")


def test_a_chain_recomputed_from_a_changed_entry_onwards_fails_against_an_exported_head():
    entries = write(4)
    head = f"{entries[-1].id}:{entries[-1].hash}"
    rows = [row(e.id) for e in entries]
    prev = rows[0]["hash"]
    rows[1]["detail"] = "quietly rewritten"
    for current in rows[1:]:
        current["prev_hash"], current["hash"] = prev, entry_hash(current, prev)
        set_columns(current["id"], detail=current["detail"], prev_hash=current["prev_hash"],
                    hash=current["hash"])
        prev = current["hash"]
    assert check()["ok"]  # without a secret, whoever can write the table can recompute
    result = check("--expect", head)
    assert (result["problem"]["id"], result["problem"]["kind"]) == (entries[-1].id, "anchor")


def test_heads_exported_earlier_that_still_match_pass():
    entries = write(3)
    head = f"{entries[1].id}:{entries[1].hash}"
    write(2, start=T0 + dt.timedelta(hours=1))
    assert check("--expect", head, "--expect", f"{entries[0].id}:{entries[0].hash}")["ok"]


def test_a_malformed_expected_head_is_refused():
    with pytest.raises(CommandError, match="--expect takes ID:HASH"):
        call_command("audit_check", "--expect", "12:abc")


# --- retention -------------------------------------------------------------------------------

def test_a_retention_purge_deletes_the_oldest_entries_and_the_chain_still_verifies():
    old = write(3, start=T0, step=dt.timedelta(days=1))
    kept = write(2, start=T0 + dt.timedelta(days=30))
    with clock.frozen(T0 + dt.timedelta(days=40)):
        checkpoint = audit_purge(before=T0 + dt.timedelta(days=10))
    assert checkpoint is not None
    assert list(AuditEntry.objects.order_by("id").values_list("id", flat=True)) == [
        kept[0].id, kept[1].id, checkpoint.id]
    assert checkpoint.action == CHECKPOINT_ACTION
    assert checkpoint.prev_hash == kept[-1].hash
    cutoff = (T0 + dt.timedelta(days=10)).isoformat(timespec="microseconds")
    assert f"3 entries older than {cutoff} deleted" in checkpoint.detail
    assert f"through id {old[-1].id} with hash {old[-1].hash}" in checkpoint.detail
    result = check()
    assert (result["ok"], result["checked"], result["first_id"]) == (True, 3, kept[0].id)


def test_a_purge_of_everything_leaves_the_checkpoint_as_a_verifiable_start():
    old = write(3)
    with clock.frozen(T0 + dt.timedelta(days=40)):
        checkpoint = audit_purge(before=T0 + dt.timedelta(days=30))
    assert checkpoint is not None
    assert checkpoint.prev_hash == old[-1].hash
    assert check() == {"ok": True, "checked": 1, "first_id": checkpoint.id,
                       "head": {"id": checkpoint.id, "hash": checkpoint.hash}, "problem": None}


def test_a_purge_with_nothing_old_enough_changes_nothing():
    write(2)
    assert audit_purge(before=T0 - dt.timedelta(days=1)) is None
    assert AuditEntry.objects.count() == 2


def test_more_deleted_than_the_checkpoint_records_is_reported():
    write(3, start=T0, step=dt.timedelta(days=1))
    kept = write(3, start=T0 + dt.timedelta(days=30))
    with clock.frozen(T0 + dt.timedelta(days=40)):
        audit_purge(before=T0 + dt.timedelta(days=10))
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [kept[0].id])
    result = check()
    assert (result["problem"]["id"], result["problem"]["kind"]) == (kept[1].id, "deleted")


def test_the_purge_command_refuses_a_date_in_the_future():
    with clock.frozen(T0), pytest.raises(CommandError, match="cannot be in the future"):
        call_command("audit_purge", "--before", "2026-03-02")


def test_the_purge_command_deletes_before_local_midnight_of_the_date():
    write(2, start=dt.datetime(2026, 2, 27, 23, 30, tzinfo=dt.UTC), step=dt.timedelta(hours=1))
    out = StringIO()
    with clock.frozen(T0):
        call_command("audit_purge", "--before", "2026-02-28", stdout=out)
    assert re.search(r"Checkpoint entry \d+: retention purge: 1 entries", out.getvalue())
    assert check()["ok"]


# --- the database refuses changes ------------------------------------------------------------

def test_the_database_refuses_to_update_an_entry():
    entry = write(1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(id=entry.id).update(detail="edited")
    assert row(entry.id)["detail"] == "détail 0"


@pytest.mark.postgres
def test_postgresql_refuses_to_delete_an_entry_outside_a_retention_purge():
    entry = write(1)[0]
    with pytest.raises(DatabaseError, match="append-only: DELETE refused"), transaction.atomic():
        AuditEntry.objects.filter(id=entry.id).delete()
    assert AuditEntry.objects.filter(id=entry.id).exists()


@pytest.mark.postgres
def test_postgresql_refuses_updates_even_during_a_retention_purge():
    entry = write(1)[0]
    with pytest.raises(DatabaseError, match="append-only: UPDATE refused"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL victimjourney.audit_retention = 'on'")
        AuditEntry.objects.filter(id=entry.id).update(detail="edited")


@pytest.mark.postgres
def test_postgresql_switches_the_retention_escape_off_after_the_purge():
    write(2, start=T0, step=dt.timedelta(days=1))
    kept = write(1, start=T0 + dt.timedelta(days=30))
    with transaction.atomic():
        with clock.frozen(T0 + dt.timedelta(days=40)):
            audit_purge(before=T0 + dt.timedelta(days=10))
        with pytest.raises(DatabaseError, match="DELETE refused"), transaction.atomic():
            AuditEntry.objects.filter(id=kept[0].id).delete()


def test_deleting_a_user_keeps_their_entries_unchanged():
    user = User.objects.create_user("leaver")
    entry = audit_record(user=user, action="view_case", case_reference="KEN/1/26")
    user.delete()
    assert row(entry.id)["actor_id"] == entry.actor_id
    assert check()["ok"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_link_two_entries_to_the_same_one():
    def writer(n: int) -> None:
        try:
            for i in range(15):
                audit_record(user=None, actor_name=f"writer{n}", action="view_case",
                             detail=str(i))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    prevs = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(prevs) == 60
    assert len(set(prevs)) == 60
    assert check()["checked"] == 60


# --- one writer, and a read-only admin --------------------------------------------------------

def test_audit_entries_are_created_only_by_audit_record():
    writes = re.compile(r"(?<!class )AuditEntry(\.objects\.(create|bulk_create|get_or_create"
                        r"|update_or_create|update|delete)\b|\s*\()")
    offenders = []
    for path in (ROOT / "victimjourney").rglob("*.py"):
        if "migrations" in path.parts or path == ROOT / "victimjourney/audit/services.py":
            continue
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in writes.finditer(text)]
    assert offenders == []


def test_the_admin_shows_entries_but_refuses_to_add_change_or_delete(admin_client):
    entry = write(1)[0]
    base = f"/admin/audit/auditentry/{entry.id}"
    page = admin_client.get(f"{base}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert entry.hash in html
    assert 'name="_save"' not in html
    assert admin_client.post(f"{base}/change/", {"detail": "edited"}).status_code == 403
    assert admin_client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get("/admin/audit/auditentry/add/").status_code == 403
    listing = admin_client.post("/admin/audit/auditentry/",
                                {"action": "delete_selected", "_selected_action": [entry.id]})
    assert listing.status_code in (200, 302)
    assert row(entry.id)["detail"] == "détail 0"
