"""data.police.uk street and outcomes CSV files: reading, checking, and the mapping to journey
events (the tables are documented in docs/REAL-DATA.md).

A file is read whole and checked before anything is stored: its header (the street or outcomes
layout, or the one `--kind` names), and every row (the month, the force, the crime type or
outcome type). Errors name the line and the column. Rows without a Crime ID (anti-social
behaviour) are skipped and counted; rows repeating a Crime ID (street) or a Crime ID, month and
outcome (outcomes) are counted and kept once.

Dates: police.uk gives only the month. A crime is dated the first day of its month (the
earliest it can have been recorded) and an outcome the last day of its month (the latest it
can have been recorded), both at 12:00 London time, so an outcome never comes before the crime
it concerns. Intervals from report to outcome are therefore overstated by up to two months.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from victimjourney.core.clock import LONDON
from victimjourney.core.errors import FeedError
from victimjourney.journey.feed import FIRST_YEAR, LAST_YEAR
from victimjourney.organisations.reference import shipped_organisations

STREET_COLUMNS = ("Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude",
                  "Location", "LSOA code", "LSOA name", "Crime type", "Last outcome category",
                  "Context")
OUTCOMES_COLUMNS = ("Crime ID", "Month", "Reported by", "Falls within", "Longitude",
                    "Latitude", "Location", "LSOA code", "LSOA name", "Outcome type")
LAYOUTS = {"street": STREET_COLUMNS, "outcomes": OUTCOMES_COLUMNS}
MAX_ERRORS = 200
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_CRIME_ID = re.compile(r"^[A-Za-z0-9]{1,90}$")

# police.uk crime type -> (offence, offence group). Anti-social behaviour is not a crime here.
CRIME_TYPES = {
    "Bicycle theft": ("Bicycle theft", "theft offences"),
    "Burglary": ("Burglary", "burglary"),
    "Criminal damage and arson": ("Criminal damage and arson", "criminal damage and arson"),
    "Drugs": ("Drugs", "drug offences"),
    "Other crime": ("Other crime", "miscellaneous crimes against society"),
    "Other theft": ("Other theft", "theft offences"),
    "Possession of weapons": ("Possession of weapons", "possession of weapons offences"),
    "Public order": ("Public order", "public order offences"),
    "Robbery": ("Robbery", "robbery"),
    "Shoplifting": ("Shoplifting", "theft offences"),
    "Theft from the person": ("Theft from the person", "theft offences"),
    "Vehicle crime": ("Vehicle crime", "theft offences"),
    "Violence and sexual offences": ("Violence and sexual offences",
                                     "violence and sexual offences"),
    # Categories used before May 2013.
    "Violent crime": ("Violent crime", "violence against the person"),
    "Public disorder and weapons": ("Public disorder and weapons", "public order offences"),
}
ASB = "Anti-social behaviour"

POLICE, COURT = "police", "wcu"  # who records the event: the force, or (court results) its WCU
# police.uk outcome type -> (event type, data, recorded by); None: no journey counterpart.
OUTCOMES: dict[str, tuple[str, dict[str, Any], str] | None] = {
    "Investigation complete; no suspect identified": (
        "investigation.closed", {"reason": "no_suspect_identified"}, POLICE),
    "Unable to prosecute suspect": (
        "investigation.closed", {"reason": "evidential_difficulties"}, POLICE),
    "Formal action is not in the public interest": (
        "investigation.closed", {"reason": "not_in_public_interest"}, POLICE),
    "Further investigation is not in the public interest": (
        "investigation.closed", {"reason": "not_in_public_interest"}, POLICE),
    "Further action is not in the public interest": (
        "investigation.closed", {"reason": "not_in_public_interest"}, POLICE),
    "No further action at this time": ("investigation.closed", {"reason": "other"}, POLICE),
    "Local resolution": ("ooc_disposal.issued", {"disposal": "community_resolution"}, POLICE),
    "Offender given a caution": ("ooc_disposal.issued", {"disposal": "caution"}, POLICE),
    "Offender given penalty notice": ("ooc_disposal.issued", {"disposal": "penalty_notice"},
                                      POLICE),
    "Suspect charged": ("suspect.charged", {}, POLICE),
    "Suspect charged as part of another case": (
        "suspect.charged", {"charges": ["as part of another case"]}, POLICE),
    "Offender imprisoned": ("sentence.passed", {"disposal": "imprisonment"}, COURT),
    "Offender sent to prison": ("sentence.passed", {"disposal": "imprisonment"}, COURT),
    "Offender given suspended prison sentence": (
        "sentence.passed", {"disposal": "suspended sentence"}, COURT),
    "Offender given community penalty": ("sentence.passed", {"disposal": "community order"},
                                         COURT),
    "Offender given community sentence": ("sentence.passed", {"disposal": "community order"},
                                          COURT),
    "Offender fined": ("sentence.passed", {"disposal": "fine"}, COURT),
    "Offender given conditional discharge": (
        "sentence.passed", {"disposal": "conditional discharge"}, COURT),
    "Offender given absolute discharge": (
        "sentence.passed", {"disposal": "absolute discharge"}, COURT),
    "Offender required to pay compensation": (
        "sentence.passed", {"disposal": "compensation order"}, COURT),
    "Offender ordered to pay compensation": (
        "sentence.passed", {"disposal": "compensation order"}, COURT),
    "Offender deprived of property": ("sentence.passed", {"disposal": "deprivation order"},
                                      COURT),
    "Offender otherwise dealt with": ("sentence.passed", {"disposal": "otherwise dealt with"},
                                      COURT),
    "Offender sentenced as part of another case": (
        "sentence.passed", {"disposal": "sentenced as part of another case"}, COURT),
    "Suspect found not guilty": ("verdict.given", {"verdict": "not_guilty"}, COURT),
    "Defendant found not guilty": ("verdict.given", {"verdict": "not_guilty"}, COURT),
    # No journey counterpart: counted and reported, not invented.
    "Offender given a drugs possession warning": None,  # no such disposal in the catalogue
    "Action to be taken by another organisation": None,  # transferred elsewhere
    "Court case unable to proceed": None,  # discontinued, dismissed, withdrawn: not said which
    "Suspect sent to Crown Court": None,  # a step, with no hearing date
    "Defendant sent to Crown Court": None,
    "Awaiting court outcome": None,  # statuses, not outcomes
    "Under investigation": None,
    "Status update unavailable": None,
    "Court result unavailable": None,
}
_ALIASES = {"hampshire constabulary": "hampshire", "devon and cornwall constabulary":
            "devon-and-cornwall", "metropolitan police": "metropolitan",
            "city of london": "city-of-london"}


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip().lower().replace("&", "and"))


def force_names() -> dict[str, str]:
    """Normalised force name (as police.uk writes it) -> police.uk slug."""
    names = {_key(o.name): o.force for o in shipped_organisations().values()
             if o.kind == "police"}
    return {**names, **_ALIASES}


@dataclass(frozen=True)
class Row:
    line: int
    crime_id: str
    month: str  # YYYY-MM
    force: str  # slug
    value: str  # crime type (street) or outcome type (outcomes)


@dataclass
class FileReport:
    path: str
    kind: str
    rows: int = 0
    skipped_no_crime_id: int = 0
    duplicate_rows: int = 0
    conflicting_rows: int = 0  # a repeated Crime ID with another crime type (first kept)
    crimes: int = 0
    by_value: Counter[str] = field(default_factory=Counter)
    last_outcomes: Counter[str] = field(default_factory=Counter)
    no_counterpart: Counter[str] = field(default_factory=Counter)
    crime_not_imported: int = 0  # outcome rows whose crime is not in the database
    events: int = 0


def _layout(header: list[str], kind: str | None, path: str) -> str:
    if kind is None:
        for name, columns in LAYOUTS.items():
            if tuple(header) == columns:
                return name
        kind = max(LAYOUTS, key=lambda k: len(set(LAYOUTS[k]) & set(header)))
    expected = LAYOUTS[kind]
    if tuple(header) != expected:
        missing = [c for c in expected if c not in header]
        unknown = [c for c in header if c not in expected]
        parts = []
        if missing:
            parts.append("missing column(s): " + ", ".join(missing))
        if unknown:
            parts.append("unknown column(s): " + ", ".join(repr(c) for c in unknown))
        if not parts:
            parts.append("columns out of order: expected " + ", ".join(expected))
        raise FeedError(1, "(header)", f"{path} is not a police.uk {kind} file: "
                        + "; ".join(parts))
    return kind


def read_file(path: str, *, kind: str | None = None, force: str | None = None
              ) -> tuple[list[Row], FileReport, list[FeedError]]:
    """Every usable row of a police.uk file, a report, and the errors (line, column)."""
    names = force_names()
    errors: list[FeedError] = []
    rows: list[Row] = []
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
    except OSError as exc:
        raise FeedError(0, "(file)", f"cannot read {path}: {exc.strerror}") from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None:
                raise FeedError(1, "(header)", f"{path} is empty: no header line")
            layout = _layout(header, kind, path)
            report = FileReport(path, layout)
            value_column = "Crime type" if layout == "street" else "Outcome type"
            known = CRIME_TYPES if layout == "street" else OUTCOMES
            index = {c: i for i, c in enumerate(header)}
            for fields in reader:
                line = reader.line_num
                if not fields or (len(fields) == 1 and not fields[0].strip()):
                    continue
                report.rows += 1
                if len(fields) != len(header):
                    errors.append(FeedError(line, "(row)", f"expected {len(header)} fields, "
                                            f"found {len(fields)}"))
                    continue
                row = _row(fields, index, line, layout, value_column, known, names, force,
                           report, errors)
                if row is not None:
                    rows.append(row)
                if len(errors) >= MAX_ERRORS:
                    break
        except UnicodeDecodeError as exc:
            raise FeedError(0, "(file)", f"{path} is not UTF-8 text ({exc.reason})") from None
        except csv.Error as exc:
            raise FeedError(reader.line_num, "(row)", f"not valid CSV: {exc}") from None
    return rows, report, errors


def _row(fields: list[str], index: dict[str, int], line: int, layout: str, value_column: str,
         known: dict[str, Any], names: dict[str, str], force: str | None, report: FileReport,
         errors: list[FeedError]) -> Row | None:
    crime_id = fields[index["Crime ID"]].strip()
    value = fields[index[value_column]].strip()
    if layout == "street":
        report.last_outcomes[fields[index["Last outcome category"]].strip() or "(none)"] += 1
    if not crime_id:
        report.skipped_no_crime_id += 1  # anti-social behaviour: no crime to follow
        return None
    if layout == "street" and value == ASB:
        report.skipped_no_crime_id += 1
        return None
    before = len(errors)
    if not _CRIME_ID.match(crime_id):
        errors.append(FeedError(line, "Crime ID", f"{crime_id!r} is not a police.uk Crime ID "
                                "(letters and digits, at most 90)"))
    month = fields[index["Month"]].strip()
    found = _MONTH.match(month)
    if not found or not 1 <= int(found.group(2)) <= 12 or not (
            FIRST_YEAR <= int(found.group(1)) <= LAST_YEAR):
        errors.append(FeedError(line, "Month", f"expected a month YYYY-MM between "
                                f"{FIRST_YEAR} and {LAST_YEAR}, got {month!r}"))
    reported_by = fields[index["Reported by"]].strip()
    slug = names.get(_key(reported_by))
    if force is not None:
        if slug is not None and slug != force:
            errors.append(FeedError(line, "Reported by", f"{reported_by!r} is not the force "
                                    f"given with --force ({force})"))
        slug = force
    elif slug is None:
        errors.append(FeedError(line, "Reported by", f"unknown force {reported_by!r} (give "
                                "--force SLUG to name it)"))
    if value not in known:
        errors.append(FeedError(line, value_column, f"unknown {value_column.lower()} "
                                f"{value!r}; known: {', '.join(sorted(known))}"))
    if len(errors) > before or slug is None:
        return None
    return Row(line, crime_id, month, slug, value)


def _instant(month: str, *, last_day: bool) -> str:
    year, number = int(month[:4]), int(month[5:7])
    day = calendar.monthrange(year, number)[1] if last_day else 1
    return dt.datetime(year, number, day, 12, 0, tzinfo=LONDON).isoformat()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def street_events(row: Row) -> list[dict[str, Any]]:
    offence, group = CRIME_TYPES[row.value]
    at = _instant(row.month, last_day=False)
    provider = f"police:{row.force}"
    return [
        {"id": f"{row.crime_id}-1-reported", "type": "crime.reported", "case": row.crime_id,
         "provider": provider, "occurred_at": at,
         "data": {"offence": offence, "offence_group": group}},
        {"id": f"{row.crime_id}-2-recorded", "type": "crime.recorded", "case": row.crime_id,
         "provider": provider, "occurred_at": at, "data": {"crime_reference": row.crime_id}},
    ]


def outcome_event(row: Row) -> dict[str, Any] | None:
    mapped = OUTCOMES[row.value]
    if mapped is None:
        return None
    etype, data, recorder = mapped
    return {"id": f"{row.crime_id}-3-{row.month}-{_slug(row.value)}", "type": etype,
            "case": row.crime_id, "provider": f"{recorder}:{row.force}",
            "occurred_at": _instant(row.month, last_day=True), "data": dict(data)}
