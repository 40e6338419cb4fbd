"""Rotation of VJ_BLIND_INDEX_KEY (`victimjourney rotate_keys --blind-index`): the event
digests and the linkage index's keys move from the old key to the new one; meanwhile both are
recognised; afterwards the old key can go and re-sent events are still recognised, altered
ones still refused. A digest under no configured key is reported, never overwritten."""

from __future__ import annotations

import io
import json
import os

import pytest
from django.core.management import CommandError, call_command

from tests.helpers import lines
from tests.security_crypto.conftest import EMAIL, FEED, NEW_PHONE, stored
from victimjourney.core.errors import FeedErrors
from victimjourney.duties.services import feed_import
from victimjourney.journey.models import Event
from victimjourney.journey.services import events_rekeyable
from victimjourney.linkage.indexing import lookup_keys, records_index_refresh, stored_keys
from victimjourney.linkage.lookup import candidate_ids
from victimjourney.linkage.models import LinkRecord
from victimjourney.linkage.normalise import LinkInput, normalise
from victimjourney.synthetic.generator import write_feed

pytestmark = pytest.mark.django_db
BY_CONTACT = normalise(LinkInput(name="Someone Else", phone=NEW_PHONE, email=EMAIL))


def rotate(*args: str) -> str:
    out = io.StringIO()
    call_command("rotate_keys", "--quiet", "--blind-index", *args, stdout=out)
    return out.getvalue()


def digests() -> list[str]:
    return stored("journey_event", "digest")


@pytest.fixture
def indexed_under_a(settings, sealed_case, now):
    """The case's events and its victim's linkage record, all under key A."""
    records_index_refresh(now=now)
    record = LinkRecord.objects.get(victim__case__reference=sealed_case, victim__key="V1")
    return settings.VJ_BLIND_INDEX_KEY, os.urandom(24).hex(), record


def test_rotation_moves_every_blind_index_and_the_old_key_can_then_go(
        settings, indexed_under_a, tmp_path):
    key_a, key_b, record = indexed_under_a
    before, keys_before = digests(), stored("linkage_linkkey", "key")
    settings.VJ_BLIND_INDEX_KEY, settings.VJ_BLIND_INDEX_OLD_KEYS = key_b, [key_a]
    # During the rotation: a re-sent feed is recognised (both import paths), the look-up
    # still finds the person.
    assert feed_import(lines=lines(*FEED), source="again").events_repeated == len(FEED)
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(lines(*FEED)))
    call_command("import", str(feed), "--quiet", stdout=io.StringIO())
    assert digests() == before
    assert candidate_ids(lookup_keys(BY_CONTACT)) == [record.pk]

    report = rotate()
    assert f"journey.Event.digest: {len(FEED)} re-keyed, 0 already under" in report
    assert "linkage index: 1 records re-indexed, 0 added, 0 removed" in report
    assert not set(digests()) & set(before)
    assert not set(stored("linkage_linkkey", "key")) & set(keys_before)

    settings.VJ_BLIND_INDEX_OLD_KEYS = []  # the old key removed
    assert rotate("--dry-run").startswith(
        f"journey.Event.digest: 0 to be re-keyed, {len(FEED)} already under")
    assert feed_import(lines=lines(*FEED), source="after").events_repeated == len(FEED)
    altered = dict(FEED[2])
    altered["occurred_at"] = "2026-11-17T11:00:00+00:00"
    with pytest.raises(FeedErrors, match="already stored with other content"):
        feed_import(lines=lines(altered), source="altered")
    assert candidate_ids(stored_keys(BY_CONTACT)) == [record.pk]
    # a second run finds nothing to move
    assert rotate().startswith(f"journey.Event.digest: 0 re-keyed, {len(FEED)} already under")


def test_a_dry_run_counts_and_writes_nothing(settings, indexed_under_a):
    key_a, key_b, _ = indexed_under_a
    before, keys_before = digests(), stored("linkage_linkkey", "key")
    settings.VJ_BLIND_INDEX_KEY, settings.VJ_BLIND_INDEX_OLD_KEYS = key_b, [key_a]
    out = io.StringIO()
    call_command("rotate_keys", "--blind-index", "--dry-run", "--json", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["events"] == {"rekeyed": len(FEED), "current": 0, "unmatched": []}
    assert figures["linkage"]["reindexed"] == 1 and figures["old_keys"] == 1
    assert digests() == before and stored("linkage_linkkey", "key") == keys_before


def test_a_digest_under_no_configured_key_is_reported_and_left_as_stored(
        settings, indexed_under_a):
    _, key_b, _ = indexed_under_a
    before = digests()
    settings.VJ_BLIND_INDEX_KEY = key_b  # key A dropped before the rotation
    with pytest.raises(CommandError, match=r"6 event digests match neither .* \(first: 's1', "
                                           r"'s2', 's3'"):
        rotate()
    assert digests() == before


def test_an_altered_event_is_reported_by_its_id(settings, indexed_under_a):
    key_a, key_b, _ = indexed_under_a
    [before] = stored("journey_event", "digest", "WHERE id = %s", ("s3",))
    with events_rekeyable():  # a row changed behind the application's back
        Event.objects.filter(id="s3").update(data={"tampered": True})
    settings.VJ_BLIND_INDEX_KEY, settings.VJ_BLIND_INDEX_OLD_KEYS = key_b, [key_a]
    with pytest.raises(CommandError, match=r"^1 event digests .*\(first: 's3'\)"):
        rotate()
    assert Event.objects.filter(id="s3").values_list("digest", flat=True).get() == before


def test_every_stored_digest_is_recomputed_exactly_from_the_stored_event(tmp_path, now):
    """The rotation rests on recomputing each digest from what the log stores (JSON through
    the database and back, instants, sealed data): over a synthetic feed with every kind of
    journey, each digest is found under the current key."""
    path = tmp_path / "feed.jsonl"
    write_feed(path, cases=60, seed=5)
    with open(path) as feed:
        imported = feed_import(lines=feed, source="synthetic")
    out = io.StringIO()
    call_command("rotate_keys", "--blind-index", "--dry-run", "--json", stdout=out)
    events = json.loads(out.getvalue())["events"]
    assert events == {"rekeyed": 0, "current": imported.events_new, "unmatched": []}
    assert imported.events_new > 400  # a real feed, not the six-event case
