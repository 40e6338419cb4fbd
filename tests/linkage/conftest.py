import datetime as dt
import json

import pytest

from tests.helpers import raw
from victimjourney.accounts.services import staff_create
from victimjourney.core import clock
from victimjourney.duties.services import feed_import
from victimjourney.linkage.synthetic import SyntheticVictim

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def now():
    with clock.frozen(NOW):
        yield NOW


def victim_lines(victims: list[SyntheticVictim], *, risk_every: int = 0) -> list[str]:
    """Feed lines for synthetic victims: a crime reported to their force, the victim
    identified (and, every RISK_EVERY-th, a risk assessment)."""
    out = []
    for v in victims:
        when = v.reported_at.strftime("%Y-%m-%d %H:%M")
        data = {"kind": "person", "name": v.name, "contact": v.contact}
        if v.date_of_birth:
            data["date_of_birth"] = v.date_of_birth.isoformat()
        out.append(raw(f"{v.case_reference}-1", "crime.reported", when, case=v.case_reference,
                       provider=f"police:{v.force}", offence=v.offence))
        out.append(raw(f"{v.case_reference}-2", "victim.identified", when,
                       case=v.case_reference, victim="V1", provider=f"police:{v.force}",
                       **data))
        if risk_every and v.record % risk_every == 0:
            out.append(raw(f"{v.case_reference}-3", "risk_assessment.completed", when,
                           case=v.case_reference, victim="V1", provider=f"police:{v.force}",
                           level="high"))
    return [json.dumps(line) for line in out]


def person(name: str, dob: str | None, *, record: int, person_id: int, force: str = "kent",
           when: str = "2026-01-10 10:00", offence: str = "criminal damage",
           **contact: str) -> SyntheticVictim:
    return SyntheticVictim(
        record=record, person=person_id, case_reference=f"T/{force[:3].upper()}/{record}",
        force=force, offence=offence, offence_group="",
        reported_at=dt.datetime.fromisoformat(when).replace(tzinfo=clock.LONDON),
        name=name, date_of_birth=dt.date.fromisoformat(dob) if dob else None,
        contact=dict(contact))


def load(victims: list[SyntheticVictim], **kwargs) -> None:
    feed_import(lines=victim_lines(victims, **kwargs), source="test")


def signed_in(client, username, organisation, role):
    staff_create(username=username, password="correct horse battery", organisation=organisation,
                 role=role, first_name=username.title(), last_name="Tester")
    client.login(username=username, password="correct horse battery")
    return client
