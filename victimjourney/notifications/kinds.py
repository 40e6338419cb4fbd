"""The kinds of notice, as a registry in code keyed by short stable codes.

Each kind names the Code entitlements whose duties it answers (and, where one entitlement
covers several events, the trigger types it is for), the evidence written when its delivery is
confirmed, whether it carries case details, and the channels it may use. The wording of each
kind is in `templates/notifications/<language>/kinds/<code>.txt` (English and Welsh).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from victimjourney.code.editions import EDITIONS

ALL_CHANNELS = ("email", "sms", "letter", "portal", "phone")
# Channels a worker sends through; "portal" is a row the portal shows, "phone" a task.
SENT_CHANNELS = ("email", "sms", "letter")
# Without a stated preference: email, then a text, then a letter, then the portal; a phone call
# by a person is always the last resort.
DEFAULT_ORDER = ("email", "sms", "letter", "portal")

Evidence = Literal["contact", "complaint_ack", "none"]


@dataclass(frozen=True)
class NoticeKind:
    code: str
    entitlements: tuple[str, ...] = ()
    trigger_types: tuple[str, ...] = ()  # empty: any trigger of those entitlements
    evidence: Evidence = "contact"
    # Carries case details: the full text goes only by letter and to the portal; email and
    # SMS say that there is an update and how to read it.
    private: bool = True
    channels: tuple[str, ...] = ALL_CHANNELS


KINDS: dict[str, NoticeKind] = {k.code: k for k in (
    NoticeKind("crime_recorded", ("written_ack_of_crime", "written_confirmation_of_crime")),
    NoticeKind("arrested", ("suspect_arrested",)),
    NoticeKind("interviewed", ("suspect_interviewed_under_caution",)),
    NoticeKind("bailed", ("suspect_bailed_or_rui",),
               trigger_types=("suspect.bailed", "suspect.bail_changed")),
    NoticeKind("released_rui", ("suspect_bailed_or_rui",),
               trigger_types=("suspect.released_under_investigation",)),
    NoticeKind("released_nfa", ("suspect_released_without_charge", "vrr_information_police")),
    NoticeKind("investigation_closed", ("decision_not_to_investigate",)),
    NoticeKind("charged", ("suspect_charged",)),
    NoticeKind("decision", ("cps_decision_not_to_charge", "cps_discontinue_or_alter_charge")),
    NoticeKind("ooc_disposal", ("out_of_court_disposal_outcome",)),
    NoticeKind("hearing", ("wcu_hearing_date",)),
    NoticeKind("verdict", ("wcu_verdict",)),
    NoticeKind("sentence", ("wcu_sentence",)),
    NoticeKind("appeal", ("wcu_appeal",)),
    NoticeKind("vcs", ("vcs_initial_contact",)),
    # An acknowledgement that says when the full response will come and how to escalate:
    # the Code's response to a complaint (Right 12), evidenced by `complaint.responded`.
    NoticeKind("complaint_ack", ("complaint_response",), evidence="complaint_ack"),
    # Not caused by a duty: asked for by the portal (issue 4).
    NoticeKind("portal_invitation", evidence="none", private=False,
               channels=("email", "sms", "letter")),
    NoticeKind("one_time_code", evidence="none", private=False, channels=("sms", "email")),
)}


@lru_cache(maxsize=1)
def _by_entitlement() -> dict[str, tuple[NoticeKind, ...]]:
    index: dict[str, list[NoticeKind]] = {}
    for kind in KINDS.values():
        for entitlement in kind.entitlements:
            index.setdefault(entitlement, []).append(kind)
    return {k: tuple(v) for k, v in index.items()}


def kind_for(entitlement: str, trigger_type: str) -> NoticeKind | None:
    """The kind of notice that answers a duty, or None (the duty is left to a person)."""
    for kind in _by_entitlement().get(entitlement, ()):
        if not kind.trigger_types or trigger_type in kind.trigger_types:
            return kind
    return None


@cache
def answered_by_contact(edition: str, entitlement: str) -> bool:
    """Whether a `contact.made` answering the trigger fulfils the duty (the Code's evidence)."""
    rule = EDITIONS[edition].by_id().get(entitlement) if edition in EDITIONS else None
    return bool(rule and rule.evidence.contact)
