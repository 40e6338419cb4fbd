"""Build the national generator's calibration table from the real data (docs/REAL-DATA.md).

    python -m victimjourney.synthetic.calibrate ../shared/data/real   # writes data/calibration.json

Reads, from the real-data folder (`shared/data/real`, its README describes every file):
- Home Office crime outcomes 2018/19 (`violence-prosecutions-raw-data.csv.gz`): for each of the
  43 territorial forces, offences recorded in the year by offence subgroup and offence, and
  the outcome (Home Office outcome type 0-21) each was given. This sizes the forces, sets the
  offence mix and the police outcome of every synthetic crime;
- CPS case outcomes by principal offence (the twelve latest monthly files, January 2017 to
  March 2018 less the months missing from the folder): convictions and unsuccessful outcomes
  by CPS area and principal offence category. This sets the share of charged cases that end
  in a conviction;
- MoJ prosecution timeliness 2019 (`prosecution-times-data.csv.gz`): median and mean days from
  offence to charge, charge to first listing, sending to the Crown Court to the main hearing
  and main hearing to completion, by offence;
- `reference/forces.csv`: the 2010 population of each force, **corrected**: the file's rows
  from `city-of-london` to `lincolnshire` carry the population of the next row (and
  `lincolnshire` that of `city-of-london`); see `POPULATION_SHIFTED`.
Only the standard library is used, so the table can be rebuilt anywhere.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent / "data" / "calibration.json"
HO_FILE = "home-office-crime-outcomes/violence-prosecutions-raw-data.csv.gz"
HO_COUNT = "Force outcomes for offences recorded in quarter"
CPS_DIR = "cps-case-outcomes-by-principal-offence"
# The twelve latest monthly CPS files in the folder (April to June 2017 are missing there).
CPS_FILES = (
    "2017/principal_offence_category_january_2017.csv",
    "2017/principal_offence_category_february_2017.csv",
    "2017/principal_offence_category_march_2017.csv",
    "2017/principal_offence_category_Jul.csv", "2017/principal_offence_category_Aug.csv",
    "2017/principal_offence_category_Sep.csv", "2017/principal_offence_category_Oct.csv",
    "2017/principal_offence_category_Nov.csv", "2017/principal_offence_category_Dec.csv",
    "2018/principal_offence_category_Jan.csv", "2018/principal_offence_category_Feb.csv",
    "2018/principal_offence_category_Mar.csv",
)
CPS_CATEGORIES = (
    "Homicide", "Offences Against The Person", "Sexual Offences", "Burglary", "Robbery",
    "Theft And Handling", "Fraud And Forgery", "Criminal Damage", "Drugs Offences",
    "Public Order Offences", "All Other Offences (excluding Motoring)", "Motoring Offences",
)
MOJ_FILE = "moj-criminal-justice/prosecution-times-data.csv.gz"
FORCES_FILE = "reference/forces.csv"
# reference/forces.csv: these rows (in the file's order) each carry the population of the row
# after them, and the last one that of the first: a shifted column in the source dataset.
# Corrected here (e.g. City of London 11,700 and Lincolnshire 703,000, not 563,500 and 11,700).
POPULATION_SHIFTED = (
    "city-of-london", "cleveland", "cumbria", "derbyshire", "devon-and-cornwall", "dorset",
    "durham", "dyfed-powys", "essex", "gloucestershire", "greater-manchester", "gwent",
    "hampshire", "hertfordshire", "humberside", "kent", "lancashire", "leicestershire",
    "lincolnshire",
)
# Names that do not reduce to the police.uk slug by `slug_of`.
NAME_SLUGS = {
    "london, city of": "city-of-london", "metropolitan police": "metropolitan",
    "metropolitan and city": "metropolitan", "greatermanchester": "greater-manchester",
    "dyfed powys": "dyfed-powys",
}
# HO offence subgroup -> CPS principal offence category.
CPS_CATEGORY_OF = {
    "Homicide": "Homicide", "Violence with injury": "Offences Against The Person",
    "Violence without injury": "Offences Against The Person",
    "Harassment": "Offences Against The Person", "Rape": "Sexual Offences",
    "Other sexual offences": "Sexual Offences", "Domestic burglary": "Burglary",
    "Non-domestic burglary": "Burglary", "Robbery": "Robbery",
    "Criminal damage": "Criminal Damage", "Arson": "Criminal Damage",
    "Possession of drugs": "Drugs Offences", "Trafficking of drugs": "Drugs Offences",
    "Public order offences": "Public Order Offences",
}
# HO offence group -> MoJ prosecution-times row.
MOJ_ROW_OF = {
    "Violence against the person": "Violence against the person: All",
    "Sexual offences": "Sexual offences: All", "Robbery": "Robbery",
    "Theft offences": "Theft Offences", "Criminal damage and arson": "Criminal damage and arson",
    "Drug offences": "Drug offences", "Possession of weapons offences": "Possession of weapons",
    "Public order offences": "Public order offences",
    "Miscellaneous crimes against society": "Miscellaneous crimes against society",
}
MOJ_MEASURES = ("offence_to_charge_days", "charge_to_first_listing_days",
                "sending_to_crown_court_to_main_hearing_days", "main_hearing_to_completion_days")


def slug_of(name: str) -> str:
    """The police.uk slug of a force name as the Home Office, CPS or police.uk write it."""
    key = name.strip().lower()
    if key in NAME_SLUGS:
        return NAME_SLUGS[key]
    key = key.replace("&", "and")
    key = re.sub(r"\b(constabulary|police service|police)\b", "", key)
    return re.sub(r"[^a-z0-9]+", "-", key).strip("-")


def _count(text: str) -> int:
    """A Home Office count: text ('N/A - offence code expired') is 0, and so is a negative
    revision (280 rows of the 2018/19 file)."""
    try:
        return max(0, int(float(text)))
    except ValueError:
        return 0


def home_office(root: Path) -> dict[str, Any]:
    forces: dict[str, Any] = {}
    offences: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    groups: dict[str, str] = {}
    with gzip.open(root / HO_FILE, "rt", encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["Force Name"]
            if name == "British Transport Police":
                continue
            n = _count(row[HO_COUNT])
            if n == 0:
                continue
            slug = slug_of(name)
            group, subgroup = row["Offence Group"], row["Offence Subgroup"]
            force = forces.setdefault(slug, {"name_home_office": name, "recorded": 0,
                                             "outcomes": {}})
            force["recorded"] += n
            by_outcome = force["outcomes"].setdefault(subgroup, {})
            code = str(int(row["Outcome Type"]))
            by_outcome[code] = by_outcome.get(code, 0) + n
            offences[subgroup][row["Offence Description"]] += n
            groups[subgroup] = group
    return {"forces": forces, "subgroups": {
        sub: {"group": groups[sub], "offences": sorted(
            ([name, n] for name, n in names.items()), key=lambda x: (-x[1], x[0]))}
        for sub, names in sorted(offences.items())}}


def _number(text: str) -> int:
    text = text.strip().replace(",", "")
    return int(text) if text.isdigit() else 0


def cps(root: Path) -> dict[str, dict[str, list[int]]]:
    """Convictions and unsuccessful outcomes by force slug and category (Metropolitan and
    City is one CPS area: both forces get its figures)."""
    out: dict[str, dict[str, list[int]]] = defaultdict(lambda: {c: [0, 0] for c in
                                                                CPS_CATEGORIES})
    for name in CPS_FILES:
        with open(root / CPS_DIR / name, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                area = row[""].strip()
                slugs = ["national"] if area == "National" else [slug_of(area)]
                if slugs == ["metropolitan"]:
                    slugs.append("city-of-london")
                for slug in slugs:
                    for category in CPS_CATEGORIES:
                        out[slug][category][0] += _number(row[f"Number of {category} "
                                                              "Convictions"])
                        out[slug][category][1] += _number(row[f"Number of {category} "
                                                              "Unsuccessful"])
    return dict(sorted(out.items()))


def moj(root: Path) -> dict[str, dict[str, float]]:
    out = {}
    with gzip.open(root / MOJ_FILE, "rt", encoding="utf-8", newline="") as handle:
        rows = {row["offence"]: row for row in csv.DictReader(handle)}
    for group, name in MOJ_ROW_OF.items():
        row = rows[name]
        out[group] = {f"{kind}_{m}": float(row[f"{kind}_{m}"])
                      for m in MOJ_MEASURES for kind in ("median", "mean")}
    return out


def populations(root: Path) -> dict[str, int]:
    with open(root / FORCES_FILE, encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["Population 2010"].strip()]
    raw = {r["id"]: int(r["Population 2010"]) for r in rows}
    shifted = [raw[s] for s in POPULATION_SHIFTED]
    fixed = dict(raw)
    for i, slug in enumerate(POPULATION_SHIFTED):
        fixed[slug] = shifted[i - 1]  # each row's true figure sits on the row before it
    return fixed


def calibration(root: Path) -> dict[str, Any]:
    ho = home_office(root)
    pops = populations(root)
    cps_rows = cps(root)
    forces = {}
    for slug, force in sorted(ho["forces"].items()):
        forces[slug] = {**force, "population_2010": pops[slug], "cps": cps_rows[slug],
                        "outcomes": dict(sorted(force["outcomes"].items()))}
    return {
        "about": "Built by victimjourney.synthetic.calibrate from shared/data/real "
                 "(docs/REAL-DATA.md). Contains public sector information licensed under the "
                 "Open Government Licence v3.0.",
        "sources": {"home_office_outcomes": HO_FILE + " (2018/19)",
                    "cps": [f"{CPS_DIR}/{n}" for n in CPS_FILES], "moj": MOJ_FILE,
                    "populations": FORCES_FILE + " (corrected: see POPULATION_SHIFTED)"},
        "forces": forces, "subgroups": ho["subgroups"], "cps_national": cps_rows["national"],
        "cps_category_of": CPS_CATEGORY_OF, "timeliness": moj(root),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", help="the real-data folder (shared/data/real)")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    table = calibration(Path(args.data))
    Path(args.out).write_text(json.dumps(table, indent=1, sort_keys=True) + "\n",
                              encoding="utf-8")
    print(f"wrote {args.out}: {len(table['forces'])} forces, "
          f"{sum(f['recorded'] for f in table['forces'].values()):,} offences recorded")


if __name__ == "__main__":
    main()
