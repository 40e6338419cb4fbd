"""Who may use linkage, and for what: the `linkage_record` rows of the permission matrix
(`accounts.permissions`), read by the pages (docs/LINKAGE.md).

Linkage joins up what different forces and agencies know about a person, so it is narrower
than case access. Every use is audited (the pages call `audit_record`).
"""

from __future__ import annotations

from victimjourney.accounts.permissions import permitted, principals_permitted

# A capability is a field set of the permission matrix's `linkage_record` kind
# (accounts.permissions), on the cases the user's organisation is involved in; `see_elsewhere`
# is the matrix's `elsewhere`, on cases outside the user's access.
_FIELD_SET = {"lookup": ("involved", "lookup"), "see_elsewhere": ("none", "elsewhere"),
              "review": ("involved", "review"), "categorise": ("involved", "categorise")}

# Look up, at first contact, whether this person has reported before; see the date, force,
# offence and risk level of earlier reports on cases outside the user's own access (those who
# must safeguard the victim at first contact; others see only how many there are); confirm
# or reject candidate links (the review queue); confirm or decline a proposal of the
# persistently-targeted category.
CAPABILITIES: dict[str, frozenset[str]] = {
    capability: principals_permitted(relationship, "linkage_record", fields)
    for capability, (relationship, fields) in _FIELD_SET.items()
}


def may(role: str, capability: str) -> bool:
    relationship, fields = _FIELD_SET[capability]
    return permitted(role, relationship, "linkage_record", fields)
