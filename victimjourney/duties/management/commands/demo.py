"""victimjourney demo: load demo data (synthetic cases over the last year) if the database is
empty, and make sure a demo administrator exists."""

from __future__ import annotations

import datetime as dt
import json
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from victimjourney.accounts.services import staff_create
from victimjourney.core import clock
from victimjourney.core.progress import progress_bar
from victimjourney.duties.services import feed_import
from victimjourney.journey.models import Event
from victimjourney.synthetic.generator import generate

DEMO_STAFF = (
    ("officer", "police:metropolitan", "investigating_officer"),
    ("supervisor", "police:metropolitan", "supervisor"),
    ("cps", "cps:london-north", "cps_lawyer"),
    ("witnesscare", "wcu:metropolitan", "witness_care_officer"),
    ("gwent", "police:gwent", "victim_care_officer"),
    ("inspector", "police:metropolitan", "inspector"),
    ("admin", "police:metropolitan", "administrator"),
)


class Command(BaseCommand):
    help = "Load demo data (synthetic, deterministic) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=400)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **opts):
        if Event.objects.exists():
            self.stdout.write("Demo data: the database already has events; nothing loaded.")
        else:
            now = clock.now()
            start = now - dt.timedelta(days=330)
            lines = [json.dumps(e) for e in generate(cases=opts["cases"], seed=opts["seed"],
                                                     start=start)
                     if dt.datetime.fromisoformat(e["occurred_at"]) <= now]
            with progress_bar() as progress:
                task = progress.add_task("Loading demo cases", total=len(lines))
                result = feed_import(lines=lines, source="demo",
                                     on_progress=lambda n: progress.advance(task, n))
            self.stdout.write(f"Demo data: {result.cases} cases, {result.events_new} events, "
                              f"{result.duties_written} duties.")
        User = get_user_model()
        if User.objects.exists():
            return
        password = secrets.token_urlsafe(9)
        self.stdout.write("Demo accounts (one password for all, printed once): " + password)
        for username, organisation, role in DEMO_STAFF:
            staff_create(username=username, password=password, organisation=organisation,
                         role=role)
            self.stdout.write(f"  {username:<14} {role:<24} {organisation}")
