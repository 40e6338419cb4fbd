"""The permission matrix itself: complete, consistent with the role data it is built from,
and the one thing the table in docs/SECURITY.md is generated from."""

from __future__ import annotations

from pathlib import Path

import pytest

from victimjourney.accounts.permissions import (
    API_KEY,
    FIELD_SETS,
    MATRIX,
    ORDER,
    PRINCIPALS,
    RELATIONSHIPS,
    VICTIM,
    contact_visible,
    fields_visible,
    permitted,
    security_doc_with_matrix,
)
from victimjourney.accounts.roles import CAN_SEE_ALL_CASES, ROLES, SENSITIVE_FIELDS
from victimjourney.linkage.permissions import CAPABILITIES

ROOT = Path(__file__).resolve().parents[2]


def test_every_principal_relationship_and_field_set_has_one_row():
    assert len(MATRIX) == len(PRINCIPALS) * len(RELATIONSHIPS) * len(FIELD_SETS)
    assert {(k[2], k[3]) for k in MATRIX} == {(f.kind, f.name) for f in FIELD_SETS}


def test_an_unknown_principal_or_field_set_is_an_error_not_a_refusal():
    with pytest.raises(KeyError):
        permitted("janitor", "own", "case", "summary")
    with pytest.raises(KeyError):
        permitted("supervisor", "own", "case", "everything")


@pytest.mark.parametrize("field_set", FIELD_SETS, ids=lambda f: f"{f.kind}.{f.name}")
def test_a_grant_holds_at_every_closer_relationship(field_set):
    for principal in PRINCIPALS:
        allowed = [permitted(principal, r, field_set.kind, field_set.name) for r in ORDER]
        assert allowed == sorted(allowed, reverse=True), (principal, allowed)


def test_contact_details_follow_the_sensitive_field_lists_on_cases_the_organisation_works():
    for field, roles in SENSITIVE_FIELDS.items():
        for relationship in ("own", "involved"):
            granted = {r for r in ROLES if permitted(r, relationship, "victim", field)}
            assert granted == roles


def test_nobody_sees_contact_details_on_a_case_their_organisation_has_nothing_to_do_with():
    for principal in PRINCIPALS:
        for relationship in ("partner", "none"):
            for domestic_abuse in (False, True):
                assert not contact_visible(principal, relationship,
                                           domestic_abuse=domestic_abuse)


def test_an_api_key_never_sees_contact_details_and_reads_only_cases_it_is_involved_in():
    for relationship in RELATIONSHIPS:
        assert not contact_visible(API_KEY, relationship, domestic_abuse=False)
    assert [permitted(API_KEY, r, "case", "summary") for r in ORDER] == [
        True, True, False, False]
    assert [permitted(API_KEY, r, "event", "record") for r in ORDER] == [
        True, True, True, False]


def test_a_victim_reaches_only_their_own_case():
    for f in FIELD_SETS:
        for relationship in ("involved", "partner", "none"):
            assert not permitted(VICTIM, relationship, f.kind, f.name)


def test_only_roles_that_read_every_case_read_another_forces_case():
    readers = {p for p in PRINCIPALS if permitted(p, "none", "case", "summary")}
    assert readers == set(CAN_SEE_ALL_CASES)
    # ... and they record only where their organisation is involved.
    assert not any(permitted(p, "none", "event", "record") for p in PRINCIPALS)


def test_only_administrators_read_the_audit_log():
    assert {p for p in PRINCIPALS if permitted(p, "none", "audit", "read")} == {
        "administrator"}


def test_linkage_capabilities_are_the_matrix_rows_they_always_were():
    before = {
        "lookup": frozenset({"call_handler", "investigating_officer", "victim_care_officer",
                             "family_liaison_officer", "witness_care_officer",
                             "victim_liaison_officer", "yot_officer", "supervisor",
                             "administrator"}),
        "see_elsewhere": frozenset({"call_handler", "investigating_officer",
                                    "victim_care_officer", "supervisor", "administrator"}),
        "review": frozenset({"victim_care_officer", "supervisor", "administrator"}),
        "categorise": frozenset({"investigating_officer", "victim_care_officer",
                                 "supervisor", "administrator"}),
    }
    assert before == CAPABILITIES


def test_event_data_loses_contact_fields_however_deep_and_a_safe_contact_flags_note():
    data = {"kind": "person", "name": "A", "contact": {"address": "1 Safe Street"},
            "replacement": {"data": {"phone": "07700 900000", "offence": "assault"}}}
    shown, removed = fields_visible("cps_lawyer", "involved", "event", data,
                                    domestic_abuse=False)
    assert shown == {"kind": "person", "name": "A",
                     "replacement": {"data": {"offence": "assault"}}}
    assert removed == ["data.contact", "data.replacement.data.phone"]
    flag = {"flag": "safe_contact", "note": "work phone only", "review_on": "2027-01-01"}
    assert fields_visible("supervisor", "own", "event", flag, domestic_abuse=True,
                          event_type="flag.set") == (
        {"flag": "safe_contact", "review_on": "2027-01-01"}, ["data.note"])
    assert fields_visible("victim_care_officer", "own", "event", flag, domestic_abuse=True,
                          event_type="flag.set") == (flag, [])
    other = {"flag": "interpreter", "note": "Polish", "review_on": "2027-01-01"}
    assert fields_visible("supervisor", "own", "event", other, domestic_abuse=True,
                          event_type="flag.set") == (other, [])


def test_a_victims_contact_is_all_or_nothing():
    contact = {"address": "1 Safe Street", "safe_contact": "after six"}
    assert fields_visible("call_handler", "own", "victim", contact,
                          domestic_abuse=False) == (contact, [])
    assert fields_visible("call_handler", "own", "victim", contact,
                          domestic_abuse=True) == (None, ["data"])
    assert fields_visible("inspector", "none", "victim", contact,
                          domestic_abuse=False) == (None, ["data"])


def test_the_security_doc_shows_the_matrix_as_it_is():
    text = (ROOT / "docs" / "SECURITY.md").read_text(encoding="utf-8")
    assert text == security_doc_with_matrix(text), (
        "docs/SECURITY.md's permission table is stale: run `python -c \"from "
        "victimjourney.accounts.permissions import security_doc_update; "
        "security_doc_update()\"`")
