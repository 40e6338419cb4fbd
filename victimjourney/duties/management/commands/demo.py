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


# Victims who can sign in to the portal in the demo: (force, email, language). Their sign-in
# code goes by email: scripts/demo prints emails on the server's console.
PORTAL_VICTIMS = (
    ("police:metropolitan", "sam.demo@example.invalid", "en"),
    ("police:gwent", "cerys.demo@example.invalid", "cy"),
)


def _portal_ready(events: list[dict]) -> None:
    """Give the first person victim of a case of each PORTAL_VICTIMS force an email address
    (and a language), so that the portal can be tried."""
    cases_of: dict[str, str] = {}
    for event in events:
        if event["type"] == "crime.reported":
            cases_of.setdefault(event["case"], event["provider"])
    for force, email, language in PORTAL_VICTIMS:
        for event in events:
            if (event["type"] == "victim.identified" and cases_of.get(event["case"]) == force
                    and event["data"].get("kind") == "person"):
                event["data"]["contact"] = {"email": email}
                event["data"]["language"] = language
                break


def portal_victims() -> list[tuple[str, str, str]]:
    """(crime reference, email, language) of each demo victim who can sign in to the portal."""
    from victimjourney.victims.models import Victim

    wanted = {email: language for _force, email, language in PORTAL_VICTIMS}
    found = []
    for victim in Victim.objects.filter(case__force_id__in=[f for f, _e, _l in PORTAL_VICTIMS],
                                        kind="person").select_related("case"):
        email = (victim.contact or {}).get("email")
        if email in wanted:
            found.append((victim.case.reference, email, wanted[email]))
    return sorted(found, key=lambda row: row[2] != "en")  # English first


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
            events = [e for e in generate(cases=opts["cases"], seed=opts["seed"], start=start)
                      if dt.datetime.fromisoformat(e["occurred_at"]) <= now]
            _portal_ready(events)
            lines = [json.dumps(e) for e in events]
            with progress_bar() as progress:
                task = progress.add_task("Loading demo cases", total=len(lines))
                result = feed_import(lines=lines, source="demo",
                                     on_progress=lambda n: progress.advance(task, n))
            self.stdout.write(f"Demo data: {result.cases} cases, {result.events_new} events, "
                              f"{result.duties_written} duties.")
        for reference, email, language in portal_victims():
            in_welsh = " (a Welsh speaker)" if language == "cy" else ""
            self.stdout.write(f"Victim portal, /portal/: crime reference {reference}, email "
                              f"{email}{in_welsh}; the sign-in code is printed by the server")
        User = get_user_model()
        if User.objects.exists():
            return
        password = secrets.token_urlsafe(9)
        self.stdout.write("Demo accounts (one password for all, printed once): " + password)
        for username, organisation, role in DEMO_STAFF:
            staff_create(username=username, password=password, organisation=organisation,
                         role=role)
            self.stdout.write(f"  {username:<14} {role:<24} {organisation}")
