# ruff: noqa: S311  (synthetic data, not cryptography: as victimjourney/synthetic/)
"""A synthetic population of victim records with a known truth, deterministic for a seed.

People are victims of one crime or of several (most once; a long tail many times, as in the
Crime Survey), reported to the force where they live. Between two reports a person may move
house, change phone or email, or marry and take a new surname; each report is recorded with
the errors real records carry: nicknames ("Bob" for Robert), typos, a mistyped or missing date
of birth, a missing or mistyped postcode, no phone or email. The hard cases are made on
purpose: twins (same surname, birth date, address and often landline; different first name),
different people with the same name and date of birth, and relatives at the same address.

Each record says how it was varied (`variation`) so the evaluation can report what the model
gets wrong. Names and places are invented; rates are stated in `RATES` and in docs/LINKAGE.md.
"""

from __future__ import annotations

import datetime as dt
import random
import string
from collections.abc import Iterator
from dataclasses import dataclass, field

from victimjourney.core.clock import LONDON
from victimjourney.linkage.names import _VARIANTS
from victimjourney.organisations.reference import shipped_organisations
from victimjourney.synthetic.generator import OFFENCES

MALE = ("james", "john", "robert", "michael", "william", "david", "richard", "thomas",
        "christopher", "daniel", "matthew", "anthony", "andrew", "joseph", "stephen",
        "benjamin", "samuel", "alexander", "edward", "peter", "jonathan", "nicholas", "philip",
        "charles", "gregory", "patrick", "henry", "harold", "kenneth", "ronald", "timothy",
        "mohammed", "yusuf", "oliver", "george", "harry", "jack", "jacob", "noah", "charlie",
        "leo", "oscar", "arthur", "freddie", "archie", "theo", "alfie", "isaac", "lucas",
        "ethan", "mason", "logan", "dylan", "liam", "connor", "kieran", "ryan", "jordan",
        "callum", "lewis", "owen", "rhys", "dafydd", "gareth", "iwan", "emyr", "aled", "huw",
        "ali", "ahmed", "omar", "hassan", "imran", "bilal", "arjun", "rohan", "ravi", "sanjay",
        "vikram", "kwame", "kofi", "tunde", "chidi", "piotr", "tomasz", "marek", "jakub",
        "andrei", "florin", "mihai", "luca", "marco", "diego", "mateo", "wei", "jun", "hao",
        "tyrone", "darnell", "malik", "zachary", "frederick", "lawrence", "leonard", "terence",
        "geoffrey", "alfred", "theodore", "colin", "derek", "graham", "keith", "neil", "barry")
FEMALE = ("mary", "patricia", "jennifer", "elizabeth", "susan", "margaret", "sarah",
          "catherine", "rebecca", "victoria", "samantha", "nicola", "deborah", "christine",
          "jacqueline", "joanne", "josephine", "abigail", "alexandra", "barbara", "eleanor",
          "isabel", "charlotte", "siobhan", "olivia", "amelia", "isla", "ava", "mia", "ivy",
          "lily", "freya", "florence", "grace", "sophia", "emily", "poppy", "ella", "evie",
          "chloe", "jessica", "lauren", "hannah", "megan", "amy", "laura", "emma", "rachel",
          "gemma", "kelly", "leanne", "stacey", "kirsty", "zoe", "natalie", "hayley", "nia",
          "cerys", "ffion", "seren", "carys", "bethan", "angharad", "fatima", "aisha", "zainab",
          "maryam", "amina", "priya", "anjali", "sunita", "kavita", "neha", "ama", "abena",
          "ngozi", "chioma", "agnieszka", "katarzyna", "magdalena", "anna", "ioana", "elena",
          "giulia", "sofia", "lucia", "mei", "xin", "li", "shanice", "tanisha", "keisha",
          "aaliyah", "ruth", "pauline", "sandra", "linda", "karen", "julie", "tracey", "dawn",
          "wendy", "gillian", "janet", "lorraine", "denise", "beverley", "yvonne", "helen")
COMMON_SURNAMES = (
    "smith", "jones", "williams", "taylor", "brown", "davies", "evans", "wilson", "thomas",
    "johnson", "roberts", "robinson", "thompson", "wright", "walker", "white", "edwards",
    "hughes", "green", "hall", "lewis", "harris", "clarke", "patel", "jackson", "wood",
    "turner", "martin", "cooper", "hill", "ward", "morris", "moore", "clark", "lee", "king",
    "baker", "harrison", "morgan", "allen", "james", "scott", "phillips", "watson", "davis",
    "parker", "price", "bennett", "young", "griffiths", "mitchell", "kelly", "cook", "carter",
    "richardson", "bailey", "collins", "bell", "shaw", "murphy", "miller", "cox", "richards",
    "khan", "marshall", "anderson", "simpson", "ellis", "adams", "singh", "begum", "wilkinson",
    "foster", "chapman", "powell", "webb", "rogers", "gray", "mason", "ali", "hunt", "hussain",
    "campbell", "matthews", "owen", "palmer", "holmes", "mills", "barnes", "knight", "lloyd",
    "butler", "russell", "barker", "fisher", "stevens", "jenkins", "murray", "dixon", "harvey",
    "ahmed", "rahman", "akhtar", "shah", "sharma", "kaur", "gill", "nguyen", "chen", "wang",
    "kowalski", "nowak", "wisniewski", "popescu", "ionescu", "rossi", "okafor", "mensah",
    "adeyemi", "boateng", "osei", "obi", "oconnor", "obrien", "mcdonald", "macleod", "fraser",
    "reid", "stewart", "robertson", "pritchard", "prosser", "vaughan", "rees", "powell",
)
_PREFIXES = ("ash", "black", "brad", "brook", "card", "chad", "clay", "cole", "crane", "dal",
             "dun", "east", "elm", "fair", "fal", "fen", "gold", "green", "hal", "hart", "hay",
             "hol", "kings", "lang", "lin", "mar", "mel", "mill", "nor", "oak", "pen", "red",
             "ross", "rush", "sand", "shel", "stan", "stock", "thorn", "wal", "west", "whit",
             "wick", "win", "wood", "york", "bram", "bur", "car", "dray")
_SUFFIXES = ("ton", "ford", "field", "ley", "worth", "well", "wood", "by", "ham", "stone",
             "bridge", "combe", "dale", "gate", "hurst", "more", "shaw", "wick", "croft",
             "thorpe", "land", "brook", "cott", "den", "rick", "son", "ing", "low")
STREETS = ("high", "church", "station", "victoria", "green", "manor", "park", "queens", "kings",
           "new", "grange", "mill", "school", "chapel", "north", "south", "west", "east",
           "albert", "york", "windsor", "the", "meadow", "orchard", "river", "hill", "castle",
           "market", "bridge", "london", "cedar", "oak", "beech", "elm", "willow", "ash",
           "birch", "holly", "rose", "lime", "alexandra", "stanley", "springfield", "broad")
STREET_TYPES = ("street", "road", "lane", "avenue", "close", "drive", "way", "crescent",
                "gardens", "place", "court", "terrace")
DOMAINS = ("gmail.com", "hotmail.co.uk", "outlook.com", "yahoo.co.uk", "icloud.com",
           "btinternet.com", "live.co.uk", "sky.com")

# Rates (chance per person, per report, or between two reports). See docs/LINKAGE.md.
RATES = {
    "twin": 0.01,             # a person has a twin (also in the population)
    "namesake": 0.01,         # another person has the same name and date of birth
    "relative": 0.05,         # a relative shares the home (same surname, other first name)
    "move": 0.15,             # moves house between two reports
    "new_mobile": 0.10,       # changes mobile number between two reports
    "new_email": 0.08,        # changes email between two reports
    "marriage": 0.04,         # (women) takes a new surname between two reports
    "nickname": 0.15,         # recorded under a nickname or variant, where the name has one
    "first_typo": 0.03,
    "surname_typo": 0.03,
    "dob_missing": 0.03,
    "dob_typo": 0.02,
    "postcode_missing": 0.05,
    "postcode_typo": 0.01,
    "address_missing": 0.05,
    "phone_recorded": 0.70,
    "email_recorded": 0.50,
    "comma_format": 0.05,     # "SMITH, John"
}
# How many crimes a person reports over the period: most once, a long tail many times.
REPORTS = ((1, 0.72), (2, 0.14), (3, 0.06), (4, 0.035), (5, 0.02), (6, 0.012), (7, 0.008),
           (8, 0.005))
START = dt.date(2019, 1, 1)
DAYS = (dt.date(2026, 11, 1) - START).days
_VARIANT_FORMS = {standard: forms for standard, forms in _VARIANTS.items()}
_SURNAMES = COMMON_SURNAMES + tuple(p + s for p in _PREFIXES for s in _SUFFIXES)
# Zipf-like weights: a few very common names, a long tail.
_SURNAME_WEIGHTS = tuple(1 / (i + 8) for i in range(len(_SURNAMES)))
_MALE_WEIGHTS = tuple(1 / (i + 5) for i in range(len(MALE)))
_FEMALE_WEIGHTS = tuple(1 / (i + 5) for i in range(len(FEMALE)))


@dataclass(frozen=True)
class SyntheticVictim:
    """One victim record on one case, with the truth: which person it is."""

    record: int
    person: int
    case_reference: str
    force: str
    offence: str
    offence_group: str
    reported_at: dt.datetime
    name: str
    date_of_birth: dt.date | None
    contact: dict[str, str]
    variation: tuple[str, ...] = ()  # how this record differs from the person's first
    relation: str = ""  # twin, namesake or relative of person `related_to`
    related_to: int = 0


@dataclass
class _Home:
    number: str
    street: str
    town: str
    postcode: str
    force: str
    landline: str


@dataclass
class _Person:
    pid: int
    sex: str
    first: str
    middle: str
    surname: str
    dob: dt.date
    home: _Home
    mobile: str
    email: str
    reports: int
    changes: list[str] = field(default_factory=list)
    relation: str = ""
    related_to: int = 0


class _Builder:
    def __init__(self, seed: int, records: int):
        self.rng = random.Random(seed)
        self.forces = sorted((o.force, o.population or 500_000)
                             for o in shipped_organisations().values() if o.kind == "police")
        total = sum(population for _, population in self.forces)
        # About a dozen homes a postcode, as in the UK: neighbours share a postcode and street.
        self.streets = {force: max(20, records * population // total // 12)
                        for force, population in self.forces}
        self.next_pid = 0
        self.used_phones: set[str] = set()

    def force(self) -> str:
        slugs, weights = zip(*self.forces, strict=True)
        return self.rng.choices(slugs, weights)[0]

    def street(self, force: str) -> tuple[str, str]:
        """A postcode of the force area and its street: the n-th postcode of an area is always
        the same street."""
        n = self.rng.randrange(self.streets[force])
        local = random.Random(f"{force}:{n}")
        letters = "".join(c for c in force.upper() if c.isalpha())
        area = letters[0] + local.choice(letters[1:] or "X")
        postcode = (f"{area}{local.randint(1, 40)} {local.randint(0, 9)}"
                    f"{local.choice(string.ascii_uppercase)}{local.choice(string.ascii_uppercase)}")
        return postcode, f"{local.choice(STREETS)} {local.choice(STREET_TYPES)}"

    def phone(self, prefix: str) -> str:
        while True:
            number = prefix + "".join(self.rng.choice(string.digits) for _ in range(9))
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def home(self, force: str | None = None) -> _Home:
        rng = self.rng
        force = force or self.force()
        postcode, street = self.street(force)
        return _Home(number=str(rng.randint(1, 120)), street=street,
                     town=force.replace("-", " "), postcode=postcode, force=force,
                     landline=self.phone("01") if rng.random() < 0.4 else "")

    def first_name(self, sex: str) -> str:
        names, weights = (MALE, _MALE_WEIGHTS) if sex == "m" else (FEMALE, _FEMALE_WEIGHTS)
        return self.rng.choices(names, weights)[0]

    def email(self, first: str, surname: str) -> str:
        rng = self.rng
        user = rng.choice((f"{first}.{surname}", f"{first[0]}{surname}", f"{first}{surname}",
                           f"{surname}.{first}", f"{first}_{rng.randint(1, 99)}"))
        return f"{user}{rng.randint(1, 999)}@{rng.choice(DOMAINS)}"

    def person(self, *, sex: str | None = None, first: str | None = None,
               surname: str | None = None, dob: dt.date | None = None,
               home: _Home | None = None) -> _Person:
        rng = self.rng
        sex = sex or rng.choice("mf")
        first = first or self.first_name(sex)
        surname = surname or rng.choices(_SURNAMES, _SURNAME_WEIGHTS)[0]
        dob = dob or dt.date(1935, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 75))
        reports = rng.choices([k for k, _ in REPORTS], [w for _, w in REPORTS])[0]
        self.next_pid += 1
        return _Person(pid=self.next_pid, sex=sex, first=first,
                       middle=self.first_name(sex) if rng.random() < 0.3 else "",
                       surname=surname, dob=dob, home=home or self.home(),
                       mobile=self.phone("07") if rng.random() < 0.85 else "",
                       email=self.email(first, surname) if rng.random() < 0.7 else "",
                       reports=reports)


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word))
    kind = rng.random()
    if kind < 0.35:  # substitution
        return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1:]
    if kind < 0.6 and i < len(word) - 1:  # transposition
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind < 0.8:  # deletion
        return word[:i] + word[i + 1:]
    return word[:i] + rng.choice(string.ascii_lowercase) + word[i:]  # insertion


def _dob_typo(rng: random.Random, dob: dt.date) -> dt.date:
    if rng.random() < 0.4 and dob.day <= 12 and dob.day != dob.month:
        return dob.replace(month=dob.day, day=dob.month)  # day and month swapped
    for _ in range(10):
        text = list(dob.isoformat())
        i = rng.choice([2, 3, 5, 6, 8, 9])
        text[i] = rng.choice(string.digits)
        try:
            candidate = dt.date.fromisoformat("".join(text))
        except ValueError:
            continue
        if candidate != dob:
            return candidate
    return dob + dt.timedelta(days=1)


def _life_events(b: _Builder, p: _Person) -> list[str]:
    """What changes in a person's life between two reports."""
    rng, out = b.rng, []
    if rng.random() < RATES["move"]:
        p.home = b.home(p.home.force if rng.random() < 0.7 else None)
        out.append("moved")
    if rng.random() < RATES["new_mobile"]:
        p.mobile = b.phone("07")
        out.append("new_phone")
    if rng.random() < RATES["new_email"]:
        p.email = b.email(p.first, p.surname)
        out.append("new_email")
    if p.sex == "f" and "married" not in p.changes and rng.random() < RATES["marriage"]:
        new = rng.choices(_SURNAMES, _SURNAME_WEIGHTS)[0]
        p.surname = f"{p.surname}-{new}" if rng.random() < 0.2 else new
        out.append("married")
    p.changes.extend(out)
    return out


def _recorded(b: _Builder, p: _Person) -> tuple[str, dt.date | None, dict[str, str],
                                                 list[str]]:
    """The person as one report records them, with the usual errors."""
    rng, notes = b.rng, []
    first, surname = p.first, p.surname
    forms = _VARIANT_FORMS.get(first)
    if forms and rng.random() < RATES["nickname"]:
        first = rng.choice(forms)
        notes.append("nickname")
    if rng.random() < RATES["first_typo"]:
        first = _typo(rng, first)
        notes.append("first_typo")
    if rng.random() < RATES["surname_typo"]:
        surname = _typo(rng, surname)
        notes.append("surname_typo")
    words = [first.title()] + ([p.middle.title()] if p.middle and rng.random() < 0.5 else [])
    if rng.random() < RATES["comma_format"]:
        name = f"{surname.upper()}, {' '.join(words)}"
    else:
        name = " ".join([*words, surname.title()])
    dob: dt.date | None = p.dob
    if rng.random() < RATES["dob_missing"]:
        dob = None
        notes.append("dob_missing")
    elif rng.random() < RATES["dob_typo"]:
        dob = _dob_typo(rng, p.dob)
        notes.append("dob_typo")
    contact: dict[str, str] = {}
    if rng.random() >= RATES["address_missing"]:
        contact["address"] = f"{p.home.number} {p.home.street.title()}, {p.home.town.title()}"
    if rng.random() < RATES["postcode_missing"]:
        notes.append("postcode_missing")
    elif rng.random() < RATES["postcode_typo"]:
        contact["postcode"] = _typo(rng, p.home.postcode.lower()).upper()
        notes.append("postcode_typo")
    else:
        contact["postcode"] = p.home.postcode
    phone = p.mobile or p.home.landline
    if phone and rng.random() < RATES["phone_recorded"]:
        contact["phone"] = phone
    if p.email and rng.random() < RATES["email_recorded"]:
        contact["email"] = p.email
    return name, dob, contact, notes


def _household(b: _Builder) -> list[_Person]:
    """A person, and sometimes a twin, a namesake or a relative at home (with the relation)."""
    rng = b.rng
    main = b.person()
    roll = rng.random()
    other: _Person | None = None
    if roll < RATES["twin"]:
        sex = rng.choice("mf")
        first = main.first
        while first == main.first:
            first = b.first_name(sex)
        other = b.person(sex=sex, first=first, surname=main.surname, dob=main.dob,
                         home=main.home)
        other.relation = "twin"
    elif roll < RATES["twin"] + RATES["namesake"]:
        other = b.person(sex=main.sex, first=main.first, surname=main.surname, dob=main.dob)
        other.relation = "namesake"
    elif roll < RATES["twin"] + RATES["namesake"] + RATES["relative"]:
        sex = rng.choice("mf")
        first = main.first
        while first == main.first:
            first = b.first_name(sex)
        years = rng.choice((-30, -27, -3, 2, 25, 28))
        dob = main.dob + dt.timedelta(days=365 * years + rng.randint(-150, 150))
        other = b.person(sex=sex, first=first, surname=main.surname, dob=dob, home=main.home)
        other.relation = "relative"
    if other is not None:
        other.related_to = main.pid
        return [main, other]
    return [main]


def population(records: int, seed: int = 1) -> Iterator[SyntheticVictim]:
    """RECORDS victim records, each on its own case, in the order they were reported per
    person (people interleaved). Deterministic for SEED."""
    b = _Builder(seed, records)
    rng = b.rng
    made = 0
    while made < records:
        for person in _household(b):
            days = sorted(rng.sample(range(DAYS), person.reports))
            for i, day in enumerate(days):
                if made >= records:
                    return
                changed = _life_events(b, person) if i else []
                name, dob, contact, notes = _recorded(b, person)
                offence, group, _, _ = rng.choices(OFFENCES, [o[2] for o in OFFENCES])[0]
                when = dt.datetime.combine(START + dt.timedelta(days=day),
                                           dt.time(rng.randint(7, 22), rng.choice((0, 30))),
                                           tzinfo=LONDON)
                force = person.home.force
                yield SyntheticVictim(
                    record=made, person=person.pid,
                    case_reference=f"SYN/{force[:3].upper()}/{made:07d}",
                    force=force, offence=offence, offence_group=group, reported_at=when,
                    name=name, date_of_birth=dob, contact=contact,
                    variation=tuple(changed + notes), relation=person.relation,
                    related_to=person.related_to,
                )
                made += 1
