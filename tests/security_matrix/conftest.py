"""One small world for the permission walk, built once for the package.

Every member of staff works for Kent Police, one per role. Five cases carry sensitive data,
each with a marker string per field set, so that a page or an API answer can be searched for
what it must not show:

- `own_da`: a Kent domestic abuse case; the victim is a child (15), with an address, a phone,
  safe-contact notes (preferences) and a safe-contact flag whose note says how to reach her;
- `own_plain`: a Kent case that is not domestic abuse (contact details only);
- `involved_da`: an Essex domestic abuse case on which Kent recorded an arrest (involved);
- `none_da` and `none_da_2`: Essex domestic abuse cases Kent has nothing to do with (the same
  person twice: a candidate link between them touches no case Kent can see).

The world is built in one transaction that is rolled back at the end of the package; each
test runs inside it in its own savepoint (pytest-django's `db`), so what a request writes
(audit entries, sessions, events) is undone after it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import override_settings

from tests.helpers import raw
from victimjourney.accounts.roles import ROLES
from victimjourney.accounts.services import staff_create
from victimjourney.api.services import api_key_create
from victimjourney.audit.services import audit_record
from victimjourney.cases.models import Case
from victimjourney.core import clock
from victimjourney.duties.services import feed_import
from victimjourney.inspection.services import sample_draw
from victimjourney.linkage.indexing import record_index
from victimjourney.linkage.models import CandidateLink, CategoryProposal, LinkageModel
from victimjourney.linkage.services import default_frequencies, default_settings
from victimjourney.notifications.models import Delivery, Notice
from victimjourney.victims.models import Victim

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
ORGANISATION = "police:kent"
PASSWORD = "correct horse battery staple"


@dataclass
class CaseSpec:
    key: str
    reference: str
    force: str
    domestic_abuse: bool
    name: str
    contact: dict[str, str]
    safe_contact: str
    flag_note: str
    date_of_birth: str
    kent_relationship: str  # of Kent Police (every member of staff, the Kent key) to the case
    involve_kent: bool = False

    @property
    def contact_markers(self) -> list[str]:
        """Strings that only the contact field set of this case's victim contains."""
        return [*self.contact.values(), self.safe_contact, self.flag_note]


CASES: dict[str, CaseSpec] = {spec.key: spec for spec in (
    CaseSpec("own_da", "KEN/7/26", "police:kent", True, "Alex Ownsworth",
             {"address": "11 Orchard Row, Ashford", "phone": "07700 900111"},
             "ring-ownsworth-after-six", "ownsworth-flag-note", "2011-06-01", "own"),
    CaseSpec("own_plain", "KEN/8/26", "police:kent", False, "Blake Plainfield",
             {"email": "blake.plainfield@example.invalid", "phone": "07700 900222"},
             "ring-plainfield-at-work", "plainfield-flag-note", "1980-02-02", "own"),
    CaseSpec("involved_da", "ESX/7/26", "police:essex", True, "Casey Involdsen",
             {"address": "33 Quay Street, Harwich", "phone": "07700 900333"},
             "ring-involdsen-weekends", "involdsen-flag-note", "1990-03-03", "involved",
             involve_kent=True),
    CaseSpec("none_da", "ESX/8/26", "police:essex", True, "Drew Nonesuch",
             {"address": "44 Moor Lane, Colchester", "phone": "07700 900444"},
             "ring-nonesuch-mornings", "nonesuch-flag-note", "1985-04-04", "none"),
    CaseSpec("none_da_2", "ESX/9/26", "police:essex", True, "Drew Nonesuch",
             {"address": "45 Moor Lane, Colchester", "phone": "07700 900445"},
             "ring-nonesuch-evenings", "nonesuch-second-flag-note", "1985-04-04", "none"),
)}


def case_lines(spec: CaseSpec) -> list[str]:
    ref, force, k = spec.reference, spec.force, spec.key
    out = [
        raw(f"{k}-1", "crime.reported", "2026-11-16 09:00", case=ref, provider=force,
            offence="assault", domestic_abuse=spec.domestic_abuse),
        raw(f"{k}-2", "victim.identified", "2026-11-16 09:30", case=ref, provider=force,
            victim="V1", kind="person", name=spec.name, date_of_birth=spec.date_of_birth,
            contact=spec.contact),
        raw(f"{k}-3", "victim.preferences_updated", "2026-11-17 10:00", case=ref,
            provider=force, victim="V1", safe_contact=spec.safe_contact),
        raw(f"{k}-4", "flag.set", "2026-11-17 11:00", case=ref, provider=force, victim="V1",
            flag="safe_contact", note=spec.flag_note, set_by="A Sergeant",
            review_on="2027-01-31"),
        raw(f"{k}-5", "suspect.arrested", "2026-11-18 10:00", case=ref, provider=force),
    ]
    if spec.involve_kent:
        out.append(raw(f"{k}-6", "suspect.arrested", "2026-11-19 10:00", case=ref,
                       provider="police:kent"))
    return [json.dumps(line) for line in out]


@dataclass
class World:
    users: dict[str, Any] = field(default_factory=dict)  # role -> User
    tokens: dict[str, str] = field(default_factory=dict)  # organisation -> API token
    revoked_token: str = ""
    unlinked: Any = None  # a user with no staff profile (e.g. first OIDC sign-in)
    victims: dict[str, Victim] = field(default_factory=dict)  # case key -> V1
    records: dict[str, int] = field(default_factory=dict)  # case key -> LinkRecord id
    links: dict[str, int] = field(default_factory=dict)  # "own" / "none" -> CandidateLink id
    proposals: dict[str, int] = field(default_factory=dict)  # case key -> proposal id
    deliveries: dict[str, int] = field(default_factory=dict)  # "own" / "none" -> Delivery id
    sample_id: int = 0
    file_id: int = 0
    objects: dict[str, str] = field(default_factory=dict)  # admin model label -> a pk


def _notice(spec: CaseSpec, victim: Victim, sender: str) -> int:
    notice = Notice.objects.create(
        key=f"walk:{spec.key}", kind="case_update", case_id=victim.case_id, victim=victim,
        sender_id=sender, language="en", title=f"Update on {spec.key}", body="An update.",
        alert_subject="An update", alert_text="You have an update.", created_at=NOW)
    delivery = Delivery.objects.create(notice=notice, channel="email", status="failed",
                                       attempts=1, created_at=NOW, failed_at=NOW,
                                       last_error="mailbox full")
    return delivery.pk


def _link(left: int, right: int, model: LinkageModel) -> int:
    low, high = sorted((left, right))
    return CandidateLink.objects.create(
        left_id=low, right_id=high, match_probability=0.97, match_weight=5.0, gammas={},
        weights={}, model=model, found_at=NOW).pk


def build_world() -> World:
    # A transactional test run before this package (they run last, but a package fixture may
    # be rebuilt after them) leaves the database flushed: put the reference data back first.
    from victimjourney.organisations.services import reference_load

    reference_load()
    world = World()
    for role in ROLES:
        world.users[role] = staff_create(username=f"walk-{role}", password=PASSWORD,
                                         organisation=ORGANISATION, role=role,
                                         first_name="Walk", last_name=role)
    world.unlinked = get_user_model().objects.create_user(username="walk-unlinked",
                                                          password=PASSWORD)
    for organisation in ("police:kent", "cps:south-east"):
        _key, world.tokens[organisation] = api_key_create(organisation=organisation,
                                                          name="walk")
    revoked, world.revoked_token = api_key_create(organisation="police:kent", name="old")
    revoked.revoked_at = NOW
    revoked.save(update_fields=["revoked_at"])
    feed_import(lines=[line for spec in CASES.values() for line in case_lines(spec)],
                source="security-matrix")
    for spec in CASES.values():
        victim = Victim.objects.get(case__reference=spec.reference, key="V1")
        world.victims[spec.key] = victim
        record = record_index(victim, now=NOW)
        assert record is not None
        world.records[spec.key] = record.pk
    model = LinkageModel.objects.create(created_at=NOW, source="default", records=5,
                                        settings=default_settings(),
                                        frequencies=default_frequencies(), threshold=0.9)
    world.links["own"] = _link(world.records["own_da"], world.records["none_da"], model)
    world.links["none"] = _link(world.records["none_da"], world.records["none_da_2"], model)
    for key in ("own_da", "none_da"):
        world.proposals[key] = CategoryProposal.objects.create(
            record_id=world.records[key], rule="repeat_12_months", summary="Reported twice.",
            evidence=[{"record": world.records[key]}], proposed_at=NOW).pk
    world.deliveries["own"] = _notice(CASES["own_da"], world.victims["own_da"], "police:kent")
    world.deliveries["none"] = _notice(CASES["none_da"], world.victims["none_da"],
                                       "police:essex")
    sample = sample_draw(name="walk", seed=1, per_stratum=5)
    world.sample_id = sample.pk
    world.file_id = sample.files.get(case__reference=CASES["none_da"].reference).pk
    entry = audit_record(user=world.users["administrator"], action="view_case",
                         case_reference=CASES["own_da"].reference, detail="walk")
    group = Group.objects.create(name="walk")
    world.objects = {
        "auth.user": str(world.users["administrator"].pk), "auth.group": str(group.pk),
        "accounts.staffprofile": str(world.users["administrator"].staff.pk),
        "audit.auditentry": str(entry.pk), "organisations.organisation": "police:kent",
        "api.apikey": str(revoked.pk),
    }
    assert Case.objects.count() == len(CASES)
    return world


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker):
    """The world, in a transaction rolled back when the package's tests are done."""
    with django_db_blocker.unblock(), clock.frozen(NOW), override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
