"""The engine's recorded sentences, shown in the active language.

The engine records its reasons in English (a duty's basis and reason, a derived category's
reason): they are data, stored, compared, exported and sent through the API as written. On a
page they are read in the language of the page: `shown` recognises each sentence the engine
writes (one pattern per sentence built in duties/engine.py and victims/categories.py; a test
holds the two together) and writes it in the active language, with its dates written out.
Whatever it does not recognise (a reason a practitioner typed, an offence's name, an event
id) is shown as recorded.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext_lazy

from victimjourney.duties.engine import CATEGORY_LABELS, KIND_LABELS

# A category as a tag ("vulnerable", "a bereaved close relative"), in the active language.
TAGS = {
    "vulnerable": pgettext_lazy("category", "vulnerable"),
    "intimidated": pgettext_lazy("category", "intimidated"),
    "persistently_targeted": pgettext_lazy("category", "persistently targeted"),
    "most_serious_crime": pgettext_lazy("category", "a victim of the most serious crime"),
    "bereaved_close_relative": pgettext_lazy("category", "a bereaved close relative"),
}
_LABEL_BY_TEXT = {label: code for code, label in CATEGORY_LABELS.items()}
_LABELS = "|".join(re.escape(label) for label in sorted(_LABEL_BY_TEXT, key=len, reverse=True))

# What follows "a victim who is" / "that the victim is", by category (Welsh needs the verb).
PREDICATES = {
    "vulnerable": pgettext_lazy("a victim who is", "vulnerable"),
    "intimidated": pgettext_lazy("a victim who is", "intimidated"),
    "persistently_targeted": pgettext_lazy("a victim who is", "persistently targeted"),
    "most_serious_crime": pgettext_lazy("a victim who is", "a victim of the most serious crime"),
    "bereaved_close_relative": pgettext_lazy("a victim who is", "a bereaved close relative"),
}

_PREDICATE_BY_LABEL = {label: PREDICATES[code] for label, code in _LABEL_BY_TEXT.items()}

NOT_OWED_TO = {
    "business": gettext_noop("the entitlement is not owed to a business"),
    "person": gettext_noop("the entitlement is not owed to a person"),
    "bereaved_close_relative": gettext_noop(
        "the entitlement is not owed to a bereaved close relative"),
    "parent_or_guardian": gettext_noop("the entitlement is not owed to a parent or guardian"),
    "family_spokesperson": gettext_noop("the entitlement is not owed to a family spokesperson"),
}
_NOT_OWED_BY_TEXT = {f"the entitlement is not owed to {label}": code
                     for code, label in KIND_LABELS.items()}

# The facts about a crime an entitlement may be owed for (Eligibility.case_flags).
CASE_FLAGS = {
    "death": pgettext_lazy("case of", "death"),
    "sexual offence": pgettext_lazy("case of", "sexual offence"),
    "hate": pgettext_lazy("case of", "hate"),
    "child abuse": pgettext_lazy("case of", "child abuse"),
    "violent or sexual": pgettext_lazy("case of", "violent or sexual"),
    "domestic abuse": pgettext_lazy("case of", "domestic abuse"),
    "most serious": pgettext_lazy("case of", "most serious"),
}

HATE_STRANDS = {
    "disability": pgettext_lazy("hate strand", "disability"),
    "race": pgettext_lazy("hate strand", "race"),
    "religion": pgettext_lazy("hate strand", "religion"),
    "sexual orientation": pgettext_lazy("hate strand", "sexual orientation"),
    "transgender": pgettext_lazy("hate strand", "transgender"),
}

# Why a crime is one of the most serious (victims.categories.crime_facts), as recorded.
MOST_SERIOUS = {
    "the offence": pgettext_lazy("a victim of", "the offence"),
    "domestic abuse": pgettext_lazy("a victim of", "domestic abuse"),
    "a sexual offence": pgettext_lazy("a victim of", "a sexual offence"),
    "a death caused by criminal conduct": pgettext_lazy(
        "a victim of", "a death caused by criminal conduct"),
    "terrorism": pgettext_lazy("a victim of", "terrorism"),
    "human trafficking": pgettext_lazy("a victim of", "human trafficking"),
    "attempted murder": pgettext_lazy("a victim of", "attempted murder"),
    "kidnap": pgettext_lazy("a victim of", "kidnap"),
    "false imprisonment": pgettext_lazy("a victim of", "false imprisonment"),
    "arson with intent to endanger life": pgettext_lazy(
        "a victim of", "arson with intent to endanger life"),
    "wounding or causing grievous bodily harm with intent": pgettext_lazy(
        "a victim of", "wounding or causing grievous bodily harm with intent"),
}

SENTENCES = {
    text: text for text in (
        gettext_noop("the victim had no enhanced-entitlement category at the time"),
        gettext_noop("the victim is a close relative bereaved by criminal conduct"),
        gettext_noop("the victim is the complainant in a sexual offence (YJCEA 1999 s.17(4))"),
        gettext_noop("the victim had not joined the Victim Contact Scheme"),
    )
}

STATES = {
    "applies": pgettext_lazy("category state", "applies"),
    "declined": pgettext_lazy("category state", "declined"),
    "removed": pgettext_lazy("category state", "removed"),
}

_DAY = r"(\d{4}-\d{2}-\d{2})"


def category_label(code: str) -> str:
    """A category's label (its tag) in the active language; an unknown code as it is."""
    return str(TAGS[code]) if code in TAGS else code


def category_state(state: str) -> str:
    """A category history entry's state ("applies", "declined", "removed")."""
    return str(STATES[state]) if state in STATES else state


def category_source(source: str) -> str:
    words = {"derived": _("derived from the facts"), "recorded": _("recorded")}
    return words.get(source, source)


def _day(iso: str) -> str:
    try:
        return formats.date_format(dt.date.fromisoformat(iso), "j F Y")
    except ValueError:
        return iso


def _predicate(label: str) -> str:
    return str(_PREDICATE_BY_LABEL[label])


def _each(text: str, sep: str, words: Mapping[str, Any], join: str = ", ") -> str | None:
    """Each SEP-separated item of TEXT in the active language (WORDS: its words by the English
    item), joined by JOIN; None if an item is not one the engine writes."""
    items = text.split(sep)
    if not all(item in words for item in items):
        return None
    return join.join(str(words[item]) for item in items)


def _tag(label: str) -> str:
    return category_label(_LABEL_BY_TEXT[label])


def _most_serious(text: str) -> str:
    if text in MOST_SERIOUS:
        return str(MOST_SERIOUS[text])
    hate = re.fullmatch(r"hate crime \((.+)\)", text)
    strands = _each(hate.group(1), ", ", HATE_STRANDS) if hate else None
    if strands is not None:
        return _("hate crime (%(strands)s)") % {"strands": strands}
    # As the engine wrote a crime its force recorded as most serious until November 2026 (the
    # stored reason stays until the case is next evaluated); now it writes the offence alone.
    recorded = re.fullmatch(r"(.+), recorded as one of the most serious crimes", text)
    if recorded:
        return _("%(offence)s, recorded as one of the most serious crimes") % {
            "offence": recorded.group(1)}
    return text


def _not_eligible(text: str) -> str | None:
    if text in _NOT_OWED_BY_TEXT:
        return _(NOT_OWED_TO[_NOT_OWED_BY_TEXT[text]])
    if text in SENTENCES:
        return _(SENTENCES[text])
    who = re.fullmatch(r"owed only to a victim who is (.+)", text)
    categories = _each(who.group(1), " or ", _PREDICATE_BY_LABEL, _(" or ")) if who else None
    if categories is not None:
        return _("owed only to a victim who is %(categories)s") % {"categories": categories}
    cases = re.fullmatch(r"owed only in cases of (.+)", text)
    facts = _each(cases.group(1), ", ", CASE_FLAGS) if cases else None
    if facts is not None:
        return _("owed only in cases of %(facts)s") % {"facts": facts}
    return None


def _ineligible(match: re.Match[str]) -> str:
    why = _not_eligible(match.group(1))
    return match.group(0) if why is None else _("not eligible: %(why)s") % {"why": why}


def _dated(template: str) -> Callable[[re.Match[str]], str]:
    """TEMPLATE's sentence with the date and event id recorded in it: the date written out."""
    return lambda m: _(template) % {"date": _day(m.group(1)), "event": m.group(2)}


def _categorised(match: re.Match[str]) -> str:
    label, reason = match.group(1), match.group(2)
    reason, sep, who = reason.rpartition(", confirmed by ")
    if not sep:
        reason, who = who, ""
    out = _("the victim was categorised as %(category)s: %(reason)s") % {
        "category": _predicate(label), "reason": shown_part(reason)}
    if who:
        out += ", " + _("confirmed by %(who)s") % {"who": who}
    return out


# Each sentence the engine writes: its pattern and how it reads in the active language.
_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"not eligible: (.+)"), _ineligible),
    (re.compile(rf"the victim opted out of the Victim Contact Scheme on {_DAY} \((.+)\)"),
     _dated(gettext_noop("the victim opted out of the Victim Contact Scheme on %(date)s "
                         "(%(event)s)"))),
    (re.compile(rf"the victim declined referral on {_DAY} \((.+)\)"),
     _dated(gettext_noop("the victim declined referral on %(date)s (%(event)s)"))),
    (re.compile(rf"the victim opted out on {_DAY} \((.+)\)"),
     _dated(gettext_noop("the victim opted out on %(date)s (%(event)s)"))),
    (re.compile(rf"the victim was under 18 on the offence date \(aged (\d+) on {_DAY}\)"),
     lambda m: _("the victim was under 18 on the offence date (aged %(age)s on %(date)s)")
     % {"age": m.group(1), "date": _day(m.group(2))}),
    (re.compile(r"the victim was a victim of (.+), one of the most serious crimes"),
     lambda m: _("the victim was a victim of %(crime)s, one of the most serious crimes")
     % {"crime": _most_serious(m.group(1))}),
    (re.compile(rf"the victim was categorised as ({_LABELS}): (.*)", re.DOTALL), _categorised),
    (re.compile(rf"acting for (\S+), who is ({_LABELS}): (.*)", re.DOTALL),
     lambda m: _("acting for %(victim)s, who is %(category)s: %(reason)s")
     % {"victim": m.group(1), "category": _predicate(m.group(2)),
        "reason": shown_part(m.group(3))}),
    # A basis line: a derived category's reason, then the category it made apply.
    (re.compile(rf"(.+): ({_LABELS})", re.DOTALL),
     lambda m: f"{shown_part(m.group(1))}: {_tag(m.group(2))}"),
]


def shown_part(text: str) -> str:
    """One recorded sentence in the active language (as recorded if not the engine's)."""
    if text in SENTENCES:
        return _(SENTENCES[text])
    for pattern, render in _PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return render(match)
    return text


def shown(text: str) -> str:
    """TEXT, recorded by the engine, in the active language: each of its "; "-separated
    sentences (a basis lists one per category) read by `shown_part`."""
    if not text:
        return text
    return "; ".join(shown_part(part) for part in text.split("; "))
