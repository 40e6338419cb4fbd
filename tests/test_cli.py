"""The `victimjourney` command line: replay without a database, its output and its errors."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import raw

ROOT = Path(__file__).resolve().parents[1]
FEED = [
    raw("e1", "crime.reported", "2014-04-14 09:00", offence="theft"),
    raw("e2", "victim.identified", "2014-04-14 09:00", victim="V1", kind="person",
        date_of_birth="2000-05-01"),
    raw("e3", "suspect.charged", "2014-04-17 16:20"),
    raw("e4", "contact.made", "2014-04-22 09:00", victim="V1", channel="phone", answers="e3"),
]


def run(*args):
    # No DATABASE_URL that works: replay must not touch a database.
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
           "DJANGO_SECRET_KEY": "x"}
    return subprocess.run([sys.executable, "-m", "victimjourney", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_replay_prints_every_duty_as_json_without_a_database(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(line) + "\n" for line in FEED))
    done = run("replay", str(feed), "--as-of", "2015-01-01T00:00:00+00:00", "--format", "json")
    assert done.returncode == 0, done.stderr
    duties = json.loads(done.stdout)
    charged = next(d for d in duties if d["entitlement"] == "suspect_charged")
    assert {k: charged[k] for k in ("case", "victim", "trigger_event", "provider", "due_date",
                                    "due_at", "status", "fulfilled_by")} == {
        "case": "C1", "victim": "V1", "trigger_event": "e3", "provider": "police:kent",
        "due_date": "2014-04-22", "due_at": "2014-04-23T00:00:00+01:00", "status": "met",
        "fulfilled_by": "e4"}
    assert charged["explanation"].startswith("Tell the victim that the suspect was charged. "
                                             "Owed by Kent Police by the end of Tuesday 22 "
                                             "April 2014")
    assert run("replay", str(feed), "--format", "table").returncode == 0


def test_replay_of_a_bad_feed_fails_naming_the_line_and_field(tmp_path):
    feed = tmp_path / "bad.jsonl"
    feed.write_text(json.dumps(FEED[0]) + "\n" + json.dumps(
        {**FEED[2], "received_at": "2014-04-16T10:00:00+01:00"}) + "\n")
    done = run("replay", str(feed), "--format", "json")
    assert done.returncode != 0
    assert "line 2 (event e3), field received_at: 2014-04-16T10:00:00+01:00 is before " \
           "occurred_at" in done.stderr
    assert done.stdout == ""
