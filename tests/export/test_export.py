"""The analytics export: Parquet files and a manifest, no personal data, and the same metric
figures computed back from the files in DuckDB as from the database."""

import datetime as dt
import json

import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command

from tests.export.conftest import ADDRESS, DOB, EMAIL, NAME, PHONE, REASON, SUMMARY
from victimjourney.audit.models import AuditEntry
from victimjourney.cases.models import Case
from victimjourney.duties.models import Duty
from victimjourney.inspection import export
from victimjourney.inspection.export import (
    TABLE_SPECS,
    ExportError,
    Pseudonyms,
    export_metrics,
    export_write,
    manifest_read,
)
from victimjourney.inspection.metrics import metrics_compute
from victimjourney.inspection.registry import metric_by_id
from victimjourney.inspection.relations import PAYLOAD_FIELDS, UNDER_18
from victimjourney.inspection.source import Source, source_django
from victimjourney.journey.models import Event
from victimjourney.victims.models import CategoryRecord, Victim

DIMENSIONS = ("force", "month", "category", "victim_category", "offence_group")


def _figures(results):
    return {r.metric.id: r.as_dict() for r in results}


def _every_row(folder):
    for path in sorted(folder.rglob("*.parquet")):
        yield path, pq.read_table(path)


@pytest.mark.django_db
def test_the_export_writes_each_table_in_batches_with_a_manifest(feed, tmp_path, monkeypatch,
                                                                  capsys):
    monkeypatch.setattr(export, "BATCH_ROWS", 40)
    out = tmp_path / "export"
    call_command("export", "--out", str(out), "--quiet", "--no-metrics")
    printed = capsys.readouterr().out
    assert "rows/s" in printed

    manifest = manifest_read(out)
    tables = manifest["tables"]
    assert tables["events"]["rows"] == Event.objects.count()
    assert tables["duties"]["rows"] == Duty.objects.count()
    assert tables["cases"]["rows"] == Case.objects.count()
    assert tables["victims"]["rows"] == Victim.objects.count()
    assert tables["categories"]["rows"] == CategoryRecord.objects.count()
    assert manifest["exported_at"] == feed.isoformat()
    assert manifest["source"]["vendor"] in ("sqlite", "postgresql")
    assert manifest["code"]["in_force"] == "2020"
    assert manifest["code"]["editions"]["2020"]["duties"] == Duty.objects.filter(
        edition="2020").count()
    for table in tables.values():
        assert sum(pq.read_metadata(out / f).num_rows for f in table["files"]) == table["rows"]

    # Events and duties: one folder per UTC month, each holding only its month's rows.
    months = sorted({e.occurred_at.strftime("%Y-%m") for e in Event.objects.all()})
    assert [f.split("/")[1] for f in tables["events"]["files"]] == [f"month={m}" for m in
                                                                      months]
    for relative in tables["events"]["files"]:
        month = relative.split("=")[1][:7]
        stamps = pq.read_table(out / relative).column("occurred_at").to_pylist()
        assert {s.strftime("%Y-%m") for s in stamps} == {month}
    # Streamed in record batches: a month of events is several row groups of 40.
    biggest = max(tables["events"]["files"], key=lambda f: pq.read_metadata(out / f).num_rows)
    metadata = pq.read_metadata(out / biggest)
    groups = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    assert len(groups) > 1 and max(groups) <= 40

    assert "metrics" not in tables

    entry = AuditEntry.objects.get(action="export")
    assert entry.actor_name == "export"
    assert str(out.resolve()) in entry.detail and f"events {Event.objects.count()}" in entry.detail
    assert not list(tmp_path.glob(".export.partial*"))


@pytest.mark.django_db
def test_the_export_carries_no_personal_data(feed, tmp_path):
    out = tmp_path / "export"
    export_write(out, metrics=False)
    forbidden = [NAME, "Zebedee", EMAIL, PHONE, ADDRESS, SUMMARY, REASON, DOB,
                 "Synthetic Victim", "KEN/9000001/24"]
    texts = [(out / "manifest.json").read_text()]
    for path, table in _every_row(out):
        names = set(table.column_names)
        assert not names & {"name", "date_of_birth", "contact", "notes", "reason", "basis",
                            "reference", "offence", "summary", "confirmed_by", "language",
                            "inspector_name", "subject", "deadline_text"}, path
        assert not any(str(f.type).startswith("date") for f in table.schema
                       if path.name == "victims.parquet"), "no dates in victims"
        for column in table.columns:
            if str(column.type) == "string":
                texts.extend(v for v in column.to_pylist() if v)
    blob = "\n".join(texts)
    for text in forbidden:
        assert text not in blob
    # Nor any crime reference number, in ids or anywhere else.
    for reference in Case.objects.values_list("reference", flat=True):
        assert reference not in blob

    events = pq.read_table(out / "events").to_pylist()
    payload_keys = set().union(*(json.loads(e["data"]) for e in events))
    assert payload_keys <= set(PAYLOAD_FIELDS) and "answers" in payload_keys
    # Event ids are pseudonyms, the same wherever an id appears, so joins still hold.
    ids = {e["id"] for e in events}
    assert len(ids) == len(events) == Event.objects.count()
    answers = [json.loads(e["data"])["answers"] for e in events
               if e["type"] == "contact.made" and "answers" in e["data"]]
    assert answers and set(answers) <= ids
    duties = pq.read_table(out / "duties").to_pylist()
    assert {d["trigger_event_id"] for d in duties} <= ids
    assert {d["fulfilled_by_id"] for d in duties if d["fulfilled_by_id"]} <= ids
    # The child's interviews: under 18 on the local day, not after the birthday.
    interviews = sorted((e["occurred_at"], e[UNDER_18]) for e in events
                        if e["type"] == "interview.video_recorded")
    assert [flag for _, flag in interviews] == [True, False, False]


def test_pseudonyms_are_keyed_and_consistent():
    one, other = Pseudonyms(b"k" * 32), Pseudonyms(b"j" * 32)
    assert one("E1") == one("E1") != one("E2")
    assert one("E1") != other("E1") and len(one("E1")) == 32
    payload = one.payloads(['{"answers": "E1", "summary": "free text", "channel": "sms"}'])
    assert json.loads(payload[0]) == {"answers": one("E1"), "channel": "sms"}


@pytest.mark.slow
@pytest.mark.django_db
def test_the_metrics_over_the_export_in_duckdb_equal_those_over_the_database(feed, tmp_path):
    export_write(tmp_path / "export", metrics=False)
    on_db = metrics_compute(source_django(), as_of=feed, dimensions=DIMENSIONS)
    on_duck, seconds = export_metrics(tmp_path / "export", dimensions=DIMENSIONS)
    assert seconds > 0
    assert _figures(on_duck) == _figures(on_db)
    by_id = {r.metric.id: r for r in on_db}
    # The child interview finding is counted (one force; its one interview of a child, on
    # the eve of the 18th birthday, had consent sought), as are the entitlements.
    assert by_id["child_video_consent_sought"].overall.parts == {"yes": 1, "no": 0}
    assert by_id["entitlement.referral_to_victim_services"].overall.denominator > 50


@pytest.mark.slow
@pytest.mark.django_db
def test_the_metric_table_in_the_export_is_the_metrics_as_of_the_export(feed, tmp_path):
    manifest = export_write(tmp_path / "export", dimensions=("force",))
    rows = pq.read_table(tmp_path / "export" / "metrics.parquet").to_pylist()
    assert {r["metric"] for r in rows} == set(metric_by_id())
    assert manifest["tables"]["metrics"]["rows"] == len(rows)
    on_db = {r.metric.id: r for r in metrics_compute(source_django(), as_of=feed,
                                                     dimensions=("force",))}
    for row in rows:
        result = on_db[row["metric"]]
        count = (result.overall if row["dimension"] == "all"
                 else result.breakdowns[row["dimension"]][row["group"]])
        assert (row["numerator"], row["denominator"]) == (count.numerator, count.denominator)
    assert {r["dimension"] for r in rows} == {"all", "force"}


@pytest.mark.django_db
def test_payload_fields_are_exactly_the_fields_the_metrics_read(feed, monkeypatch):
    read: set[str] = set()
    original = Source.json_text

    def recording(self, column, key):
        read.add(key)
        return original(self, column, key)

    monkeypatch.setattr(Source, "json_text", recording)
    metrics_compute(source_django(), as_of=feed, dimensions=("force",))
    assert read == set(PAYLOAD_FIELDS)


def test_every_table_the_metrics_read_is_exported():
    from victimjourney.inspection.source import TABLES

    assert {s.table for s in TABLE_SPECS} == set(TABLES)


@pytest.mark.django_db
def test_an_export_is_never_written_over_other_files(feed, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(CommandError, match="holds no earlier export"):
        call_command("export", "--out", str(tmp_path), "--quiet", "--replace")
    assert (tmp_path / "notes.txt").read_text() == "mine"

    out = tmp_path / "export"
    first = export_write(out, metrics=False)
    with pytest.raises(ExportError, match="--replace"):
        export_write(out, metrics=False)
    with clock_later():
        second = export_write(out, metrics=False, replace=True)
    assert manifest_read(out)["exported_at"] == second["exported_at"] != first["exported_at"]
    assert AuditEntry.objects.filter(action="export").count() == 2


def clock_later():
    from victimjourney.core import clock

    return clock.frozen(dt.datetime(2025, 3, 2, tzinfo=dt.UTC))


@pytest.mark.django_db
def test_an_empty_database_exports_empty_tables_that_still_compute(tmp_path):
    manifest = export_write(tmp_path / "export", metrics=False)
    assert {n: t["rows"] for n, t in manifest["tables"].items()} == {
        s.name: 0 for s in TABLE_SPECS}
    results, _ = export_metrics(tmp_path / "export", dimensions=())
    assert all(r.overall.denominator == 0 for r in results)


def test_a_folder_without_a_manifest_is_not_an_export(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"manifest\.json"):
        export_metrics(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "other", "version": 1}))
    with pytest.raises(ExportError, match="not a version 1"):
        manifest_read(tmp_path)


@pytest.mark.django_db
def test_spark_reads_an_export_only():
    with pytest.raises(CommandError, match="--parquet"):
        call_command("metrics", "--spark")
