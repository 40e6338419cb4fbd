"""Needs assessments as structured questionnaires.

The police's initial assessment (Code: "assess needs and eligibility for enhanced
entitlements", victims-code.md §1.3) and the Witness Care Unit's full assessment ("childcare,
transport, language, medical needs, intimidation", §2 `wcu_needs_assessment`). Answers are
stored on the event (`data.answers`), so every agency sees the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as Text
else:
    Text = str


@dataclass(frozen=True)
class Question:
    id: str
    text: str | Text  # translated when shown
    kind: str = "yesno"  # yesno or text
    hint: str | Text = ""


POLICE_INITIAL = (
    Question("communication", _("Does the victim need help to communicate (an interpreter, "
                                "sign language, easy read)?")),
    Question("language", _("Which language does the victim prefer?"), "text"),
    Question("impairment", _("Does a mental disorder, impairment of intelligence or social "
                             "functioning, or a physical disability affect the victim's "
                             "evidence?"), hint=_("If so, the victim is vulnerable "
                                                  "(YJCEA 1999 s.16).")),
    Question("fear", _("Is the victim afraid or distressed about giving evidence?"),
             hint=_("If so, the victim may be intimidated (YJCEA 1999 s.17).")),
    Question("repeat", _("Has the victim been targeted repeatedly, or is this part of a "
                         "campaign of harassment or stalking?"),
             hint=_("If so, the victim may be persistently targeted.")),
    Question("support", _("Does the victim want to be referred to support services?")),
    Question("specialist_support", _("Does the victim need specialist support (for domestic "
                                     "abuse, sexual violence, hate crime)?")),
    Question("special_measures", _("Might the victim need special measures at court?")),
    Question("safe_contact", _("How can the victim be contacted safely?"), "text"),
)

WCU_FULL = (
    Question("childcare", _("Does the victim need help with childcare to attend court?")),
    Question("transport", _("Does the victim need help with transport to court?")),
    Question("interpreter", _("Does the victim need an interpreter at court?")),
    Question("medical", _("Does the victim have medical needs to plan for?")),
    Question("access", _("Does the victim need help with access to the court building?")),
    Question("intimidation", _("Is the victim afraid of the defendant or their associates?")),
    Question("court_visit", _("Would the victim like a pre-trial visit to the court?")),
    Question("special_measures", _("Does the victim want special measures (screens, live link, "
                                   "video-recorded evidence)?")),
    Question("vps_read", _("Would the victim like to read their Victim Personal Statement in "
                           "court?")),
    Question("dates_to_avoid", _("Dates the victim cannot attend"), "text"),
)

QUESTIONNAIRES = {
    "needs_assessment.completed": POLICE_INITIAL,
    "wcu.needs_assessment.completed": WCU_FULL,
}

# Answers that propose an enhanced category, confirmed by the person recording them.
# Reasons are stored on events in English (gettext_noop), whatever the recorder's language.
PROPOSED_CATEGORIES = {
    "impairment": ("vulnerable", gettext_noop(
        "needs assessment: the victim's evidence is affected by a disorder, impairment or "
        "disability")),
    "fear": ("intimidated", gettext_noop(
        "needs assessment: the victim is afraid or distressed about giving evidence")),
    "intimidation": ("intimidated", gettext_noop(
        "needs assessment: the victim is afraid of the defendant or their associates")),
    "repeat": ("persistently_targeted", gettext_noop(
        "needs assessment: the victim has been targeted repeatedly")),
}
