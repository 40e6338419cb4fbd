"""Cases for the retention and subject access tests.

`cases` stores three Kent cases reported in March 2014, one per MoPI group, through the feed
import (so their duties, notices and category history are the importer's own):

- KEN/3/14, group 3 (theft): victims V1 Alice Example and V2 Bob Other, with contact details,
  a recorded category quoting a third party, a staff name, a portal message; due 6 years after
  its last event (2014-03-12), i.e. from 2020-03-12;
- KEN/2/14, group 2 (assault, domestic abuse): due 10 years after its last event (2024);
- KEN/1/14, group 1 (murder): due when its youngest victim would be 100.

Around them: linkage records with a candidate link between the group 3 and group 2 victims,
an inspector's judgement with notes, sign-in codes, throttles and audit entries.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers import lines, raw
from victimjourney.audit.services import audit_record
from victimjourney.cases.models import Case
from victimjourney.core import clock
from victimjourney.duties.services import feed_import
from victimjourney.inspection.models import Judgement
from victimjourney.linkage.indexing import records_index_refresh
from victimjourney.linkage.models import CandidateLink, LinkageModel, LinkDecision, LinkRecord
from victimjourney.notifications.models import Delivery, Receipt
from victimjourney.organisations.services import reference_load
from victimjourney.portal.models import OneTimeCode, Throttle
from victimjourney.victims.models import Victim

IMPORTED = dt.datetime(2014, 3, 12, 12, 0, tzinfo=dt.UTC)
# Late enough for group 3 (due 2020-03-12), too early for group 2 (2024) and group 1.
RUN = dt.datetime(2021, 1, 4, 9, 0, tzinfo=dt.UTC)
G3, G2, G1 = "KEN/3/14", "KEN/2/14", "KEN/1/14"


@pytest.fixture(autouse=True)
def reference_data(request):
    if "django_db" in request.keywords or "db" in request.fixturenames:
        request.getfixturevalue("db")
        reference_load()


def group3_lines() -> list[str]:
    c = {"case": G3}
    return lines(
        raw("g3-1", "crime.reported", "2014-03-03 09:00", offence="theft from the person",
            offence_group="theft offences", channel="online", **c),
        raw("g3-2", "victim.identified", "2014-03-03 09:30", victim="V1", kind="person",
            name="Alice Example", date_of_birth="1980-05-01",
            contact={"email": "alice@example.org", "phone": "07700 900001",
                     "address": "1 High Street, Canterbury CT1 1AA"}, **c),
        raw("g3-3", "victim.identified", "2014-03-03 09:40", victim="V2", kind="person",
            name="Bob Other", date_of_birth="1975-02-02",
            contact={"email": "bob@example.net", "phone": "07700 900002",
                     "address": "2 Low Road, Dover CT16 1AA"}, **c),
        raw("g3-4", "victim.categorised", "2014-03-03 10:00", victim="V1",
            category="intimidated", reason="afraid of Bob Other's friends",
            confirmed_by="PC Jane Officer", **c),
        raw("g3-5", "contact.made", "2014-03-04 11:00", victim="V1", channel="phone",
            answers="g3-1", summary="Spoke to Alice; Bob Other (07700 900002) was there too",
            **c),
        raw("g3-6", "family_liaison.assigned", "2014-03-05 09:00", officer="DC Sam Staff", **c),
        raw("g3-7", "portal.message", "2014-03-06 18:00", victim="V1", provider="victim",
            text="Call me on 07700 900001, not bob@example.net", direction="from_victim", **c),
        raw("g3-8", "contact.made", "2014-03-07 10:00", victim="V2", channel="email",
            answers="g3-1", summary="Told Bob Other about Victim Support", **c),
        raw("g3-9", "suspect.arrested", "2014-03-12 08:00", **c),
    )


def group2_lines() -> list[str]:
    c = {"case": G2}
    return lines(
        raw("g2-1", "crime.reported", "2014-03-05 09:00", offence="common assault",
            offence_group="violence against the person", domestic_abuse=True, **c),
        raw("g2-2", "victim.identified", "2014-03-05 09:30", victim="V1", kind="person",
            name="Alice Example", date_of_birth="1980-05-01",
            contact={"email": "alice@example.org"}, **c),
        raw("g2-3", "suspect.arrested", "2014-03-06 09:00", **c),
    )


def group1_lines() -> list[str]:
    c = {"case": G1}
    return lines(
        raw("g1-1", "crime.reported", "2014-03-01 09:00", offence="murder", death=True, **c),
        raw("g1-2", "victim.identified", "2014-03-01 10:00", victim="V1",
            kind="bereaved_close_relative", name="Carol Family", date_of_birth="1950-01-01",
            **c),
    )


@pytest.fixture
def cases(db):
    with clock.frozen(IMPORTED):
        feed_import(lines=group3_lines() + group2_lines() + group1_lines(), source="test")
        records_index_refresh(now=IMPORTED)
        model = LinkageModel.objects.create(created_at=IMPORTED, source="default", records=3,
                                            settings={}, threshold=0.9)
        left = LinkRecord.objects.get(victim__case__reference=G3, victim__key="V1")
        right = LinkRecord.objects.get(victim__case__reference=G2, victim__key="V1")
        left, right = sorted((left, right), key=lambda r: r.pk)
        link = CandidateLink.objects.create(
            left=left, right=right, match_probability=0.97, match_weight=9.1, gammas={},
            weights={}, model=model, found_at=IMPORTED, status="confirmed",
            decided_by="Dee Reviewer", decided_at=IMPORTED, reason="same person")
        LinkDecision.objects.create(link=link, decision="confirmed", reason="same person",
                                    decided_by="Dee Reviewer", organisation="police:kent",
                                    decided_at=IMPORTED)
        Judgement.objects.create(case=Case.objects.get(reference=G3),
                                 finding="initial_response_good", outcome="fully",
                                 notes="Alice Example was seen within the hour",
                                 inspector_name="Ivy Inspector", source="form",
                                 recorded_at=IMPORTED)
        delivery = Delivery.objects.filter(notice__case__reference=G3).order_by("pk").first()
        for status in ("sent", "delivered"):
            Receipt.objects.create(delivery=delivery, source="notify_callback", status=status,
                                   at=IMPORTED, detail={"to": "alice@example.org"},
                                   recorded_at=IMPORTED)
        alice = Victim.objects.get(case__reference=G3, key="V1")
        OneTimeCode.objects.create(victim=alice, code_hash="0" * 64, channel="email",
                                   created_at=IMPORTED, expires_at=IMPORTED, used_at=IMPORTED)
        Throttle.objects.create(key="a" * 64, window_start=IMPORTED, count=2)
        audit_record(user=None, actor_name="test", action="view_case", case_reference=G3,
                     victim_key="V1", detail="read by a test in 2014")
    with clock.frozen(dt.datetime(2020, 6, 1, tzinfo=dt.UTC)):
        Throttle.objects.create(key="b" * 64, window_start=RUN - dt.timedelta(minutes=5),
                                count=1)
        audit_record(user=None, actor_name="test", action="view_case", case_reference=G2,
                     victim_key="", detail="read by a test in 2020")
    return {"g3": Case.objects.get(reference=G3), "g2": Case.objects.get(reference=G2),
            "g1": Case.objects.get(reference=G1)}
