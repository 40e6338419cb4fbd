"""Anonymisation keeps every compliance figure: `victimjourney metrics` gives the same JSON,
every metric and every breakdown, before and after the retention run."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command

from tests.helpers import lines, raw
from victimjourney.cases.models import Case
from victimjourney.core import clock
from victimjourney.duties.services import feed_import
from victimjourney.inspection.models import Judgement
from victimjourney.journey.models import Event
from victimjourney.privacy.anonymise import ANON
from victimjourney.privacy.models import CaseRetention
from victimjourney.privacy.services import retention_run
from victimjourney.synthetic.generator import generate
from victimjourney.victims.models import Victim

IMPORTED = dt.datetime(2015, 1, 10, 12, 0, tzinfo=dt.UTC)
RUN = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)  # groups 2 and 3 of 2014 are due
AS_OF = "2015-01-01T00:00:00+00:00"


def interviews() -> list[str]:
    """Video interviews near the 18th birthday: a 17-year-old (a child on the day, whatever
    1 January of the birth year would say) and an 18-year-old."""
    out = []
    for ref, born, sought in (("KEN/90/14", "1996-09-15", True),
                              ("KEN/91/14", "1996-03-01", False)):
        c = {"case": ref}
        out += lines(
            raw(f"{ref}-1", "crime.reported", "2014-05-01 10:00", offence="theft from the person",
                **c),
            raw(f"{ref}-2", "victim.identified", "2014-05-01 10:00", victim="V1", kind="person",
                name="Young Person", date_of_birth=born, **c),
            raw(f"{ref}-3", "interview.video_recorded", "2014-06-02 10:00", victim="V1",
                consent_sought=sought, **c),
        )
    return out


def metrics(capsys) -> list[dict]:
    capsys.readouterr()
    call_command("metrics", "--as-of", AS_OF, "--format", "json")
    return json.loads(capsys.readouterr().out)


@pytest.mark.slow
@pytest.mark.django_db
def test_metrics_are_identical_after_anonymisation(capsys):
    with clock.frozen(IMPORTED):
        feed_import(lines=[json.dumps(line) for line in generate(cases=80, seed=5, year=2014)]
                    + interviews(), source="synthetic")
        Judgement.objects.create(case=Case.objects.get(reference="KEN/90/14"),
                                 finding="initial_response_good", outcome="partially",
                                 notes="Young Person was not seen for two days",
                                 inspector_name="Ivy Inspector", source="form",
                                 recorded_at=dt.datetime(2014, 12, 1, tzinfo=dt.UTC))
    before = metrics(capsys)
    by_id = {m["id"]: m for m in before}
    assert by_id["child_video_consent_sought"]["denominator"] == 1  # one force, one child
    assert by_id["initial_response_good"]["parts"]["partially"] == 1

    with clock.frozen(RUN):
        report = retention_run()
    anonymised = CaseRetention.objects.count()
    assert anonymised > 40  # most of the synthetic cases are due; groups 1 are not
    assert report.as_dict()["kinds"]["journey.group3"]["cases"]
    done = set(CaseRetention.objects.values_list("case_id", flat=True))
    names = {e.data.get("name") for e in Event.objects.filter(type="victim.identified",
                                                              case_id__in=done)}
    assert names == {None}  # removed
    child = Victim.objects.get(case__reference="KEN/90/14")
    adult = Victim.objects.get(case__reference="KEN/91/14")
    # The day after the last date on which the child's age could be counted (2014-06-02).
    assert (child.name, child.date_of_birth) == ("", dt.date(1996, 6, 3))
    assert adult.date_of_birth == dt.date(1996, 1, 1)

    assert Judgement.objects.get().notes == ANON

    after = metrics(capsys)
    assert after == before

