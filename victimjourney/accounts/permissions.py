"""The permission matrix as data: who may see or do what, on which records, of which cases.

One row per (principal, relationship, record kind, field set) -> allowed (`MATRIX`), built from
the grants in `FIELD_SETS` and read through one function, `permitted`. Every page and API
endpoint that shows or changes a victim's record asks it (directly, or through
`cases.selectors.cases_visible` / `access_case`, `fields_visible` and `contact_visible`);
`tests/security_matrix/` walks every row over every URL and API operation, and the table in
`docs/SECURITY.md` is generated from it (`matrix_markdown`).

- A principal is a staff role (`roles.ROLES`), an organisation's API key (`api_key`) or a
  victim signed in to the portal (`victim`). Anonymous visitors are granted nothing.
- The relationship is that of the principal's organisation to the case (`RELATIONSHIPS`),
  from the closest (`own`) to the farthest (`none`). A grant at one relationship holds at
  every closer one (a role that reads every case reads its own force's cases too).
- Records that belong to no one case (the audit log, national figures) are asked about with
  `none` (everybody's), or `own` (the organisation's own figures).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from victimjourney.accounts.roles import (
    CAN_RECORD,
    CAN_SEE_ALL_CASES,
    CAN_SUPERVISE,
    ROLES,
    SENSITIVE_FIELDS,
)

API_KEY = "api_key"
VICTIM = "victim"
PRINCIPALS: dict[str, str] = {**ROLES, API_KEY: "An organisation's API key",
                              VICTIM: "The victim (portal)"}

# Closest first: a grant at one relationship holds at every one before it.
RELATIONSHIPS: dict[str, str] = {
    "own": "the case's police force (for a victim: their own case; for figures: the "
           "organisation's own)",
    "involved": "recorded an event on the case or owes a duty on it (`CaseOrganisation`)",
    "partner": "works with the case's force but is not involved yet: its CPS area, Witness "
               "Care Unit or probation region, or a court, YOT or prison in its area",
    "none": "none of these: another force's case (for records of no one case: everybody's)",
}
ORDER = tuple(RELATIONSHIPS)

RECORD_KINDS: dict[str, str] = {
    "case": "a case (crime reference, force, offence, dates)",
    "victim": "a victim on a case",
    "duty": "a duty owed under the Victims' Code",
    "event": "a journey event (the append-only log)",
    "notice": "a notice to a victim and its deliveries",
    "linkage_record": "a victim's record as repeat-victim linkage reads it",
    "audit": "the audit log",
    "report": "figures: dashboards, metrics, inspection samples",
}

ALL_STAFF = frozenset(ROLES)
EVERY_CASE = CAN_SEE_ALL_CASES  # inspection and administration read every case
# Linkage (docs/LINKAGE.md) is narrower than case access.
LINKAGE_LOOKUP = frozenset({"call_handler", "investigating_officer", "victim_care_officer",
                            "family_liaison_officer", "witness_care_officer",
                            "victim_liaison_officer", "yot_officer", "supervisor",
                            "administrator"})
LINKAGE_ELSEWHERE = frozenset({"call_handler", "investigating_officer", "victim_care_officer",
                               "supervisor", "administrator"})
LINKAGE_REVIEW = frozenset({"victim_care_officer", "supervisor", "administrator"})
LINKAGE_CATEGORISE = frozenset({"investigating_officer", "victim_care_officer", "supervisor",
                                "administrator"})
# Compliance dashboards (aggregates only): managers and PCCs' staff through the supervisor
# role, inspectors, administrators.
DASHBOARDS = frozenset({"inspector", "supervisor", "administrator"})

# The keys that carry a victim's contact details, in a victim's `contact` and anywhere in an
# event's data (`victim.identified` data.contact, `victim.preferences_updated`, corrections).
CONTACT_KEYS = frozenset({"contact", "address", "postcode", "phone", "email", "safe_contact",
                          "contact_times"})
# Flags whose note is a contact detail (how to reach the victim safely).
CONTACT_FLAGS = frozenset({"safe_contact"})


@dataclass(frozen=True)
class FieldSet:
    """Fields of one record kind shown (or an action done) together, and who may: for each
    principal, the farthest relationship at which it may."""

    kind: str
    name: str
    fields: str
    grants: Mapping[str, str]

    def allows(self, principal: str, relationship: str) -> bool:
        farthest = self.grants.get(principal)
        return farthest is not None and ORDER.index(relationship) <= ORDER.index(farthest)


def _upto(relationship: str, principals: Iterable[str]) -> dict[str, str]:
    assert relationship in RELATIONSHIPS, relationship
    return dict.fromkeys(principals, relationship)


def _grants(*parts: dict[str, str]) -> dict[str, str]:
    """Grants joined; where a principal is named twice the farther relationship wins."""
    out: dict[str, str] = {}
    for part in parts:
        for principal, relationship in part.items():
            assert principal in PRINCIPALS, f"unknown principal {principal!r}"
            if principal not in out or ORDER.index(relationship) > ORDER.index(out[principal]):
                out[principal] = relationship
    return out


READ_CASE = _grants(_upto("involved", ALL_STAFF | {API_KEY}), _upto("own", {VICTIM}),
                    _upto("none", EVERY_CASE))

FIELD_SETS: tuple[FieldSet, ...] = (
    FieldSet("case", "summary", "reference, force, offence, date reported, organisations",
             READ_CASE),
    FieldSet("case", "create", "open a new case (write; `own`: the principal is a police "
             "force)", _grants(_upto("own", CAN_RECORD | {API_KEY}))),
    FieldSet("victim", "identity", "key, kind, name, date of birth, language, on behalf of, "
             "categories with reasons", READ_CASE),
    FieldSet("victim", "contact", "contact details of a victim whose case is not domestic "
             "abuse: " + ", ".join(sorted(CONTACT_KEYS)),
             _grants(_upto("involved", SENSITIVE_FIELDS["contact"]), _upto("own", {VICTIM}))),
    FieldSet("victim", "contact_domestic_abuse", "a domestic abuse victim's address, phone, "
             "email and safe-contact notes (the same keys, and the note of a safe-contact "
             "flag)",
             _grants(_upto("involved", SENSITIVE_FIELDS["contact_domestic_abuse"]),
                     _upto("own", {VICTIM}))),
    FieldSet("victim", "access_request", "ask for a copy of the personal data held about "
             "oneself (UK GDPR art. 15; the copy is sent after a person has read it)",
             _grants(_upto("own", {VICTIM}))),
    FieldSet("duty", "read", "entitlement, owed by, due, status, explanation", READ_CASE),
    FieldSet("duty", "team", "the team view: every duty the organisation owes, counted",
             _grants(_upto("own", CAN_SUPERVISE))),
    FieldSet("event", "read", "type, provider, when, data (less the contact field sets); the "
             "portal shows a victim a plain-words subset", READ_CASE),
    FieldSet("event", "record", "record an event (write)",
             _grants(_upto("involved", CAN_RECORD), _upto("partner", {API_KEY}),
                     _upto("own", {VICTIM}))),
    FieldSet("notice", "read", "notices to the victim (portal messages; codes never shown)",
             _grants(_upto("own", {VICTIM}))),
    FieldSet("notice", "supervise", "deliveries that failed or are stuck, retry (`own`: "
             "notices the organisation sent)",
             _grants(_upto("own", CAN_SUPERVISE), _upto("none", CAN_SUPERVISE & EVERY_CASE))),
    FieldSet("linkage_record", "lookup", "first-contact look-up; a victim's earlier reports "
             "in full on cases the principal may open",
             _grants(_upto("involved", LINKAGE_LOOKUP),
                     _upto("none", LINKAGE_LOOKUP & EVERY_CASE))),
    FieldSet("linkage_record", "elsewhere", "date, force, offence, risk level and categories "
             "of earlier reports on cases outside the principal's access (others see only "
             "how many)", _grants(_upto("none", LINKAGE_ELSEWHERE))),
    FieldSet("linkage_record", "review", "candidate links touching a case (the relationship "
             "is the closer of its two sides'): the comparison; confirm or reject",
             _grants(_upto("involved", LINKAGE_REVIEW),
                     _upto("none", LINKAGE_REVIEW & EVERY_CASE))),
    FieldSet("linkage_record", "compare", "the name, date of birth, force and offence of a "
             "link's other record, on a case outside the principal's access",
             _grants(_upto("none", LINKAGE_REVIEW))),
    FieldSet("linkage_record", "categorise", "confirm or decline a persistently-targeted "
             "proposal", _grants(_upto("involved", LINKAGE_CATEGORISE),
                                 _upto("none", LINKAGE_CATEGORISE & EVERY_CASE))),
    FieldSet("audit", "read", "who read or recorded what, when (the admin site)",
             _grants(_upto("none", {"administrator"}))),
    FieldSet("report", "organisation", "the duties the organisation owes, counted by "
             "entitlement and status", _grants(_upto("own", CAN_SUPERVISE | {API_KEY}))),
    FieldSet("report", "aggregates", "national compliance dashboards, metrics, sample results "
             "(aggregates: no victim's record)", _grants(_upto("none", DASHBOARDS))),
    FieldSet("report", "case_files", "sampled case files for inspection (events and duties; "
             "no contact details), the sample's list of case references, judgements",
             _grants(_upto("none", DASHBOARDS & EVERY_CASE))),
)
FIELD_SET_BY_KEY: dict[tuple[str, str], FieldSet] = {(f.kind, f.name): f for f in FIELD_SETS}
assert len(FIELD_SET_BY_KEY) == len(FIELD_SETS), "a field set is named twice"
assert {f.kind for f in FIELD_SETS} == set(RECORD_KINDS), "a record kind has no field set"

# The matrix: every (principal, relationship, record kind, field set) and whether it is allowed.
MATRIX: dict[tuple[str, str, str, str], bool] = {
    (principal, relationship, f.kind, f.name): f.allows(principal, relationship)
    for f in FIELD_SETS for principal in PRINCIPALS for relationship in RELATIONSHIPS
}


def permitted(principal: str, relationship: str, kind: str, fields: str) -> bool:
    """Whether PRINCIPAL may see FIELDS of a KIND record (or do the action FIELDS names) with
    RELATIONSHIP to its case. An unknown principal, relationship or field set is an error."""
    return MATRIX[(principal, relationship, kind, fields)]


def principals_permitted(relationship: str, kind: str, fields: str) -> frozenset[str]:
    return frozenset(p for p in PRINCIPALS if MATRIX[(p, relationship, kind, fields)])


def contact_fields(*, domestic_abuse: bool) -> str:
    """The victim field set that a victim's contact details belong to."""
    return "contact_domestic_abuse" if domestic_abuse else "contact"


def contact_visible(principal: str, relationship: str, *, domestic_abuse: bool) -> bool:
    return permitted(principal, relationship, "victim",
                     contact_fields(domestic_abuse=domestic_abuse))


def without_contact(value: Any, path: str = "", removed: list[str] | None = None) -> Any:
    """VALUE less every key of `CONTACT_KEYS`, however deep; the paths taken out are appended
    to REMOVED."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if key in CONTACT_KEYS:
                if removed is not None:
                    removed.append(where)
                continue
            out[key] = without_contact(item, where, removed)
        return out
    if isinstance(value, list):
        return [without_contact(item, f"{path}[{i}]", removed) for i, item in enumerate(value)]
    return value


def fields_visible(principal: str, relationship: str, kind: str, data: Any, *,
                   domestic_abuse: bool, event_type: str = "",
                   path: str = "data") -> tuple[Any, list[str]]:
    """The fields of a record's DATA (a victim's `contact`, an event's data) that PRINCIPAL may
    see, and the paths of those taken out. The one place field filtering is decided: pages
    and API call it with the principal and its relationship to the case."""
    if kind not in ("victim", "event"):
        raise ValueError(f"no field filtering for {kind!r} records")
    removed: list[str] = []
    if not permitted(principal, relationship, kind, "identity" if kind == "victim" else "read"):
        return None, [path]
    if contact_visible(principal, relationship, domestic_abuse=domestic_abuse):
        return data, removed
    if kind == "victim":  # DATA is the victim's contact
        return None, [path]
    if (event_type in ("flag.set", "flag.cleared") and isinstance(data, dict)
            and data.get("flag") in CONTACT_FLAGS and "note" in data):
        data = {k: v for k, v in data.items() if k != "note"}
        removed.append(f"{path}.note")
    return without_contact(data, path, removed), removed


def works_with(organisation: Any, force: Any) -> bool:
    """Whether ORGANISATION is a partner of the police FORCE (organisations or their refs): the
    force's CPS area or probation region, or a Witness Care Unit, court, youth offending
    team or prison in its area (the organisations that take a case over from the police)."""
    if organisation.code in (force.cps_area, force.probation_region):
        return True
    return bool(organisation.kind in ("wcu", "court", "yot", "prison")
                and organisation.force == force.force)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _who(f: FieldSet, relationship: str) -> str:
    names = [p for p in PRINCIPALS if f.allows(p, relationship)]
    if not names:
        return "–"
    if set(ROLES) <= set(names):
        rest = [p for p in names if p not in ROLES]
        return ", ".join(["every staff role", *(f"`{p}`" for p in rest)])
    return ", ".join(f"`{p}`" for p in names)


def matrix_markdown() -> str:
    """The matrix as the table in docs/SECURITY.md (between its generated-table markers)."""
    out = ["| record kind | field set | fields | " + " | ".join(f"`{r}`" for r in RELATIONSHIPS)
           + " |\n", "|---|---|---|" + "---|" * len(RELATIONSHIPS) + "\n"]
    for f in FIELD_SETS:
        out.append(f"| {f.kind} | `{f.name}` | {_cell(f.fields)} | "
                   + " | ".join(_cell(_who(f, r)) for r in RELATIONSHIPS) + " |\n")
    out.append("\nRelationships: " + "; ".join(f"`{r}`: {_cell(d)}"
                                                 for r, d in RELATIONSHIPS.items()) + ".\n")
    out.append("Principals: " + ", ".join(f"`{p}`" for p in PRINCIPALS)
               + ". Anonymous visitors: nothing.\n")
    return "".join(out)


MATRIX_BEGIN = ("<!-- permission-matrix: generated from victimjourney/accounts/permissions.py "
                "by security_doc_update(); do not edit by hand -->\n")
MATRIX_END = "<!-- end of permission-matrix -->\n"


def security_doc_with_matrix(text: str) -> str:
    """TEXT (docs/SECURITY.md) with the generated table between its markers replaced by the
    matrix as it is now."""
    start = text.index(MATRIX_BEGIN) + len(MATRIX_BEGIN)
    end = text.index(MATRIX_END, start)
    return text[:start] + "\n" + matrix_markdown() + "\n" + text[end:]


def security_doc_update(path: str = "docs/SECURITY.md") -> bool:
    """Rewrite the matrix table of docs/SECURITY.md; True if it changed. Run from the
    repository root: `python -c "from victimjourney.accounts.permissions import
    security_doc_update; security_doc_update()"`."""
    target = Path(path)
    old = target.read_text(encoding="utf-8")
    new = security_doc_with_matrix(old)
    if new != old:
        target.write_text(new, encoding="utf-8")
    return new != old
