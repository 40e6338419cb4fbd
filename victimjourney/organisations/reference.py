"""Reference data: the organisations that owe victims services under the Code.

Organisation codes are `<kind>:<slug>` (the `provider` field of the event feed). Police force
slugs are those of data.police.uk. Forces, CPS areas, Witness Care Units and probation regions
are fixed here; courts, youth offending teams and prisons ship as CSV files in `data/` and an
administrator can add more (`victimjourney organisation_add`, or the admin pages).
`docs/ORGANISATIONS.md` is generated from this module (`victimjourney docs`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.translation import get_language

DATA = Path(__file__).parent / "data"

KINDS = {
    "police": "Police force",
    "cps": "Crown Prosecution Service area",
    "wcu": "Witness Care Unit",
    "court": "Court",
    "probation": "Probation Service region",
    "yot": "Youth offending team",
    "prison": "Prison or young offender institution",
    "cica": "Criminal Injuries Compensation Authority",
    "victim": "The victim (through the portal)",
}


@dataclass(frozen=True)
class OrganisationRef:
    code: str
    kind: str
    name: str
    force: str = ""  # the police force area it serves, where there is one
    cps_area: str = ""  # for police forces
    probation_region: str = ""  # for police forces
    country: str = "England"
    population: int | None = None

    @property
    def local_name(self) -> str:
        """The name to show: its Welsh form on a Welsh page, where it has one."""
        return local_name(self.code, self.name)


CPS_AREAS = {
    "cymru-wales": "CPS Cymru-Wales",
    "east-midlands": "CPS East Midlands",
    "east-of-england": "CPS East of England",
    "london-north": "CPS London North",
    "london-south": "CPS London South",
    "mersey-cheshire": "CPS Mersey-Cheshire",
    "north-east": "CPS North East",
    "north-west": "CPS North West",
    "south-east": "CPS South East",
    "south-west": "CPS South West",
    "thames-and-chiltern": "CPS Thames and Chiltern",
    "wessex": "CPS Wessex",
    "west-midlands": "CPS West Midlands",
    "yorkshire-and-humberside": "CPS Yorkshire and Humberside",
    "serious-economic-organised-crime": "CPS Serious Economic, Organised Crime and International",
    "special-crime-counter-terrorism": "CPS Special Crime and Counter Terrorism",
}

PROBATION_REGIONS = {
    "east-midlands": "Probation Service East Midlands",
    "east-of-england": "Probation Service East of England",
    "greater-manchester": "Probation Service Greater Manchester",
    "kent-surrey-sussex": "Probation Service Kent, Surrey and Sussex",
    "london": "Probation Service London",
    "north-east": "Probation Service North East",
    "north-west": "Probation Service North West",
    "south-central": "Probation Service South Central",
    "south-west": "Probation Service South West",
    "wales": "Probation Service Wales",
    "west-midlands": "Probation Service West Midlands",
    "yorkshire-humber": "Probation Service Yorkshire and the Humber",
}

# slug, official name, CPS area, probation region, country, 2010 population (Home Office, via
# data/real/reference/forces.csv). In that file the figures of the rows from City of London to
# Lincolnshire are shifted down by one row (the City is shown with 563,500 people and
# Lincolnshire with 11,700); they are given here against the right force
# (tests/organisations: test_force_populations_are_the_published_ones_unshifted).
# London forces are served by two CPS areas; cases default to CPS London North and an event
# from CPS London South names its own area. BTP cases default to CPS London North too.
_FORCES: tuple[tuple[str, str, str, str, str, int | None], ...] = (
    ("avon-and-somerset", "Avon and Somerset Constabulary", "south-west", "south-west", "England", 1623200),
    ("bedfordshire", "Bedfordshire Police", "thames-and-chiltern", "east-of-england", "England", 614800),
    ("cambridgeshire", "Cambridgeshire Constabulary", "east-of-england", "east-of-england", "England", 789700),
    ("cheshire", "Cheshire Constabulary", "mersey-cheshire", "north-west", "England", 1009300),
    ("city-of-london", "City of London Police", "london-north", "london", "England", 11700),
    ("cleveland", "Cleveland Police", "north-east", "north-east", "England", 563500),
    ("cumbria", "Cumbria Constabulary", "north-west", "north-west", "England", 494400),
    ("derbyshire", "Derbyshire Constabulary", "east-midlands", "east-midlands", "England", 1010600),
    ("devon-and-cornwall", "Devon and Cornwall Police", "south-west", "south-west", "England", 1680400),
    ("dorset", "Dorset Police", "wessex", "south-west", "England", 715000),
    ("durham", "Durham Constabulary", "north-east", "north-east", "England", 611600),
    ("dyfed-powys", "Dyfed-Powys Police", "cymru-wales", "wales", "Wales", 506100),
    ("essex", "Essex Police", "east-of-england", "east-of-england", "England", 1738000),
    ("gloucestershire", "Gloucestershire Constabulary", "south-west", "south-west", "England", 593500),
    ("greater-manchester", "Greater Manchester Police", "north-west", "greater-manchester", "England", 2629400),
    ("gwent", "Gwent Police", "cymru-wales", "wales", "Wales", 561400),
    ("hampshire", "Hampshire and Isle of Wight Constabulary", "wessex", "south-central", "England", 1884200),
    ("hertfordshire", "Hertfordshire Constabulary", "thames-and-chiltern", "east-of-england", "England", 1107500),
    ("humberside", "Humberside Police", "yorkshire-and-humberside", "yorkshire-humber", "England", 921200),
    ("kent", "Kent Police", "south-east", "kent-surrey-sussex", "England", 1684100),
    ("lancashire", "Lancashire Constabulary", "north-west", "north-west", "England", 1449300),
    ("leicestershire", "Leicestershire Police", "east-midlands", "east-midlands", "England", 993900),
    ("lincolnshire", "Lincolnshire Police", "east-midlands", "east-midlands", "England", 703000),
    ("merseyside", "Merseyside Police", "mersey-cheshire", "north-west", "England", 1353400),
    ("metropolitan", "Metropolitan Police Service", "london-north", "london", "England", 7813500),
    ("norfolk", "Norfolk Constabulary", "east-of-england", "east-of-england", "England", 862300),
    ("north-wales", "North Wales Police", "cymru-wales", "wales", "Wales", 678500),
    ("north-yorkshire", "North Yorkshire Police", "yorkshire-and-humberside", "yorkshire-humber", "England", 802200),
    ("northamptonshire", "Northamptonshire Police", "east-midlands", "east-midlands", "England", 687300),
    ("northumbria", "Northumbria Police", "north-east", "north-east", "England", 1431500),
    ("nottinghamshire", "Nottinghamshire Police", "east-midlands", "east-midlands", "England", 1086600),
    ("south-wales", "South Wales Police", "cymru-wales", "wales", "Wales", 1260500),
    ("south-yorkshire", "South Yorkshire Police", "yorkshire-and-humberside", "yorkshire-humber", "England", 1328300),
    ("staffordshire", "Staffordshire Police", "west-midlands", "west-midlands", "England", 1071400),
    ("suffolk", "Suffolk Constabulary", "east-of-england", "east-of-england", "England", 719500),
    ("surrey", "Surrey Police", "south-east", "kent-surrey-sussex", "England", 1127300),
    ("sussex", "Sussex Police", "south-east", "kent-surrey-sussex", "England", 1574000),
    ("thames-valley", "Thames Valley Police", "thames-and-chiltern", "south-central", "England", 2253500),
    ("warwickshire", "Warwickshire Police", "west-midlands", "west-midlands", "England", 536000),
    ("west-mercia", "West Mercia Police", "west-midlands", "west-midlands", "England", 1192700),
    ("west-midlands", "West Midlands Police", "west-midlands", "west-midlands", "England", 2655100),
    ("west-yorkshire", "West Yorkshire Police", "yorkshire-and-humberside", "yorkshire-humber", "England", 2249500),
    ("wiltshire", "Wiltshire Police", "wessex", "south-west", "England", 661600),
    ("btp", "British Transport Police", "london-north", "london", "England and Wales", None),
)

TERRITORIAL_FORCES = tuple(f[0] for f in _FORCES if f[0] != "btp")


def _read_csv(name: str) -> list[dict[str, str]]:
    path = DATA / name
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def shipped_organisations() -> dict[str, OrganisationRef]:
    """Every organisation that ships with the product, by code."""
    orgs: list[OrganisationRef] = []
    for slug, name, cps, probation, country, population in _FORCES:
        orgs.append(
            OrganisationRef(
                code=f"police:{slug}", kind="police", name=name, force=slug,
                cps_area=f"cps:{cps}", probation_region=f"probation:{probation}",
                country=country, population=population,
            )
        )
        orgs.append(
            OrganisationRef(
                code=f"wcu:{slug}", kind="wcu", name=f"{_short_force(name)} Witness Care Unit",
                force=slug, country=country,
            )
        )
    for slug, name in CPS_AREAS.items():
        country = "Wales" if slug == "cymru-wales" else "England"
        orgs.append(OrganisationRef(code=f"cps:{slug}", kind="cps", name=name, country=country))
    for slug, name in PROBATION_REGIONS.items():
        country = "Wales" if slug == "wales" else "England"
        orgs.append(
            OrganisationRef(code=f"probation:{slug}", kind="probation", name=name, country=country)
        )
    orgs.append(
        OrganisationRef(
            code="cica", kind="cica", name="Criminal Injuries Compensation Authority",
            country="England and Wales",
        )
    )
    orgs.append(
        OrganisationRef(code="victim", kind="victim", name="The victim", country="England and Wales")
    )
    for kind, filename in (("court", "courts.csv"), ("yot", "yots.csv"), ("prison", "prisons.csv")):
        for row in _read_csv(filename):
            orgs.append(
                OrganisationRef(
                    code=f"{kind}:{row['slug']}", kind=kind, name=row["name"],
                    force=row.get("force", "") or "",
                    country=_country_of(row.get("force", "") or ""),
                )
            )
    return {org.code: org for org in orgs}


def _short_force(name: str) -> str:
    for suffix in (" Constabulary", " Police Service", " Police"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


_WALES = {"dyfed-powys", "gwent", "north-wales", "south-wales"}


def _country_of(force: str) -> str:
    return "Wales" if force in _WALES else "England"


def organisation_kind(code: str) -> str:
    return code.split(":", 1)[0]


@lru_cache(maxsize=1)
def welsh_names() -> dict[str, str]:
    """The Welsh names of organisations in Wales (and of those serving England and Wales),
    by code (`data/welsh_names.csv`): what a Welsh page shows instead of the English name."""
    return {row["code"]: row["name_cy"] for row in _read_csv("welsh_names.csv")}


def local_name(code: str, name: str) -> str:
    """NAME, or the organisation's Welsh name when the active language is Welsh and it has
    one. For pages and letters only: feeds, the API, exports and the audit log keep NAME."""
    language = get_language() or ""
    if language.startswith("cy"):
        return welsh_names().get(code, name)
    return name
