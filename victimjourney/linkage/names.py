"""Names as police and agencies record them: nicknames, spelling variants, titles, phonetics.

A person is recorded as "Bob" by one force and "Robert" by another, as "Mohammed" and
"Muhammad", as "Kate" and "Catherine". The nickname table maps each form to one standard form
so that the linkage model can treat them as agreeing (the standard form is a column of its
own; the model also compares the names as written). The table is deliberately short and
conservative: a wrong entry makes two different names agree. Pure functions: no database.
"""

from __future__ import annotations

import re
import unicodedata

# Standard form: the forms it is also recorded as (nicknames, diminutives, common spellings).
_VARIANTS: dict[str, tuple[str, ...]] = {
    "abigail": ("abi", "abby", "abbie"),
    "alexander": ("alex", "alec", "sandy", "alexandre"),
    "alexandra": ("alex", "alexandria", "lexi"),
    "alfred": ("alf", "alfie", "fred"),
    "andrew": ("andy", "drew"),
    "anthony": ("tony", "antony", "ant"),
    "barbara": ("barb", "babs"),
    "benjamin": ("ben", "benny", "benji"),
    "catherine": ("kate", "katie", "cathy", "cath", "katherine", "kathryn", "kathy", "kat",
                  "cate", "catharine"),
    "charles": ("charlie", "chas", "chuck"),
    "charlotte": ("lottie", "charlie"),
    "christine": ("chris", "chrissie", "christina", "tina"),
    "christopher": ("chris", "kit", "topher"),
    "daniel": ("dan", "danny"),
    "david": ("dave", "davy", "davey", "dai"),
    "deborah": ("debbie", "debra", "deb"),
    "edward": ("ed", "eddie", "ted", "ned"),
    "elizabeth": ("liz", "lizzie", "beth", "betty", "eliza", "libby", "elisabeth", "bess"),
    "eleanor": ("ellie", "elle", "nell", "elinor"),
    "frederick": ("fred", "freddie", "freddy"),
    "gareth": ("gaz",),
    "geoffrey": ("geoff", "jeff", "jeffrey"),
    "gregory": ("greg",),
    "harold": ("harry", "hal"),
    "henry": ("harry", "hank", "hal"),
    "isabel": ("isabella", "izzy", "bella", "isobel"),
    "jacqueline": ("jackie", "jacqui"),
    "james": ("jim", "jimmy", "jamie", "jimmie"),
    "jennifer": ("jen", "jenny", "jenni"),
    "john": ("jon", "johnny", "jonny"),
    "jonathan": ("jon", "jonny", "johnathan", "jonathon"),
    "joseph": ("joe", "joey", "jo"),
    "joanne": ("jo", "joanna", "jo-anne", "joann"),
    "josephine": ("jo", "josie", "jose"),
    "kenneth": ("ken", "kenny"),
    "lawrence": ("larry", "laurence", "laurie"),
    "leonard": ("len", "lenny", "leo"),
    "margaret": ("maggie", "peggy", "meg", "marge", "margie"),
    "matthew": ("matt", "matty", "mathew"),
    "michael": ("mike", "mick", "micky", "mikey", "mickey", "michal"),
    "mohammed": ("muhammad", "mohammad", "mohamed", "muhammed", "mohamad", "mo", "mohd",
                 "mahomed"),
    "nicholas": ("nick", "nicky", "nico", "nicolas"),
    "nicola": ("nicky", "nikki", "nicole"),
    "patricia": ("pat", "patsy", "trish", "tricia", "patty"),
    "patrick": ("pat", "paddy", "rick"),
    "peter": ("pete",),
    "philip": ("phil", "pip", "phillip"),
    "rebecca": ("becky", "becca", "bex", "rebekah"),
    "richard": ("rich", "rick", "ricky", "dick", "richie"),
    "robert": ("rob", "bob", "bobby", "robbie", "bert"),
    "ronald": ("ron", "ronnie"),
    "samantha": ("sam", "sammy", "sammie"),
    "samuel": ("sam", "sammy", "sammie"),
    "sarah": ("sara", "sally", "sadie"),
    "siobhan": ("shiv", "chevonne", "shevaun"),
    "stephen": ("steve", "steven", "stevie", "stephan", "stefan"),
    "susan": ("sue", "susie", "suzanne", "susanne", "suzy"),
    "terence": ("terry", "terrence", "tel"),
    "theodore": ("theo", "ted", "teddy"),
    "thomas": ("tom", "tommy", "thom"),
    "timothy": ("tim", "timmy"),
    "victoria": ("vicky", "vicki", "tori", "vikki"),
    "william": ("will", "bill", "billy", "willie", "wil"),
    "yusuf": ("yousef", "youssef", "yusef"),
    "zachary": ("zach", "zack", "zak"),
}

# A form listed under two standard forms ("chris": christine and christopher) has both: names
# agree as variants when their sets of standard forms meet.
NICKNAMES: dict[str, tuple[str, ...]] = {}
for _standard, _forms in _VARIANTS.items():
    for _form in (_standard, *_forms):
        NICKNAMES[_form] = tuple(sorted({*NICKNAMES.get(_form, ()), _standard}))

TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "dame",
                    "lady", "lord", "master"})
_NOT_LETTERS = re.compile(r"[^a-z -]+")
_PART_SEPARATORS = re.compile(r"[- ]")


def fold(text: str) -> str:
    """Lower case, accents and apostrophes removed (José → jose, O'Neill → oneill), other
    punctuation but hyphens read as spaces."""
    text = text or ""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(_NOT_LETTERS.sub(" ", text.lower().replace("'", "")).split())


def name_parts(full_name: str) -> tuple[str, str]:
    """(first name, surname) of a name as recorded: titles dropped, "Surname, First" read,
    middle names ignored. Either part may be empty."""
    text = full_name or ""
    if "," in text:
        surname, _, rest = text.partition(",")
        text = f"{rest} {surname}"
    tokens = [t.strip("-") for t in fold(text).split(" ")]
    tokens = [t for t in tokens if t and t not in TITLES]
    if not tokens:
        return "", ""
    if len(tokens) == 1:
        return "", tokens[0]
    return tokens[0], tokens[-1]


def standard_first_names(first: str) -> list[str]:
    """The standard forms of a first name: "bob" → ["robert"], "chris" → ["christine",
    "christopher"]; a name not in the table is its own standard form."""
    if not first:
        return []
    return list(NICKNAMES.get(first, (first,)))


def surname_parts(surname: str) -> list[str]:
    """The parts of a double-barrelled surname ("smith-jones" → ["smith", "jones"]): a name
    taken on marriage is often added to the old one."""
    parts = [p for p in _PART_SEPARATORS.split(surname) if len(p) > 1]
    return parts or ([surname] if surname else [])


_SOUNDEX = {c: d for d, letters in {"1": "bfpv", "2": "cgjkqsxz", "3": "dt", "4": "l",
                                    "5": "mn", "6": "r"}.items() for c in letters}


def soundex(name: str) -> str:
    """American Soundex (Smith, Smyth → S530): the phonetic key used for blocking."""
    letters = [c for c in name.lower() if "a" <= c <= "z"]
    if not letters:
        return ""
    out = letters[0].upper()
    last = _SOUNDEX.get(letters[0], "")
    for c in letters[1:]:
        code = _SOUNDEX.get(c, "")
        if code and code != last:
            out += code
            if len(out) == 4:
                break
        if c not in "hw":  # h and w do not separate letters with the same code
            last = code
    return out.ljust(4, "0")
