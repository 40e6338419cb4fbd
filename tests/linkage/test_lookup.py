"""The first-contact look-up: given a victim as just recorded, their earlier records."""

import datetime as dt

import pytest

from tests.linkage.conftest import load
from tests.linkage.test_services import ALEX, OTHERS, TWIN
from victimjourney.linkage.lookup import earlier_records
from victimjourney.linkage.models import LinkRecord
from victimjourney.linkage.normalise import LinkInput
from victimjourney.linkage.services import DEFAULT_THRESHOLD, linkage_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(now):
    load([*ALEX, TWIN, *OTHERS])
    linkage_run(now=now)


def _cases(result) -> list[str]:
    ids = [m.record_id for m in result.matches]
    refs = dict(LinkRecord.objects.filter(pk__in=ids).values_list("pk", "case__reference"))
    return [refs[pk] for pk in ids]


def test_a_new_report_finds_the_persons_earlier_reports_across_forces(indexed):
    result = earlier_records(LinkInput(name="Alex Brown", date_of_birth=dt.date(1985, 3, 2),
                                       phone="07700900001"))
    assert sorted(_cases(result)) == ["T/KEN/1", "T/KEN/2", "T/MET/3"]
    assert all(m.probability >= DEFAULT_THRESHOLD for m in result.matches)
    assert set(result.timings) == {"candidates", "fetch", "score", "total"}  # bench: speed


def test_each_match_says_what_agreed(indexed):
    result = earlier_records(LinkInput(name="Alexandra Jones",
                                       date_of_birth=dt.date(1985, 3, 2), postcode="ME14 2AB",
                                       address="4 Mill Lane"))
    best = result.matches[0]
    assert {c["field"]: c["agreement"] for c in best.comparison} == {
        "first_name": "agrees", "surname": "agrees", "dob": "agrees", "address": "agrees",
        "phone": "missing", "email": "missing"}


def test_a_twin_at_the_same_home_is_not_offered_as_the_same_person(indexed):
    result = earlier_records(LinkInput(name="Beatrice Jones", date_of_birth=dt.date(1985, 3, 2),
                                       postcode="ME14 2AB", address="4 Mill Lane",
                                       phone="07700900001"))
    assert _cases(result) == ["T/KEN/4"]


def test_the_current_case_is_left_out(indexed):
    case_id = LinkRecord.objects.get(case__reference="T/MET/3").case_id
    result = earlier_records(LinkInput(name="Alexandra Brown",
                                       date_of_birth=dt.date(1985, 3, 2),
                                       phone="07700900001"), exclude_case_id=case_id)
    assert sorted(_cases(result)) == ["T/KEN/1", "T/KEN/2"]


def test_nobody_found_for_a_stranger_or_without_a_model(db):
    assert earlier_records(LinkInput(name="Alex Brown")).matches == []
