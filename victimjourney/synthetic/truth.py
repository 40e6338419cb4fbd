"""The ground truth of a synthetic national year: what was generated, counted as it was.

Written beside the feed as JSON (`<feed>.truth.json`): the parameters of every organisation,
and per force the counts of cases, victims by category, offence groups, police and court
outcomes, the duties the generator meant to be met on time, late or never (by entitlement,
with the status each has at the truth instant), and the units of the inspection findings it
shaped (cancellations told or not, out-of-court disposals with or without the victim's
views...). A test or an analyst checks that the analytics recover these figures.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

DUTY_STATUSES = ("met", "late", "breached", "open", "not_applicable")

# The inspection findings whose units the generator decides: the truth's name -> metric id
# (`inspection.registry`), for whoever checks that the metrics recover the truth.
FINDING_METRICS = {
    "no_crime_victim_told": "no_crime_victim_told",
    "caution_views_considered": "caution_views_considered",
    "pnd_views_considered": "pnd_views_considered",
    "community_resolution_no_consultation": "community_resolution_no_consultation",
    "oocd_views_considered": "oocd_views_considered",
    "witness_attendance_secured": "witness_attendance_secured",
    "right_to_review_notified": "right_to_review_notified",
    "reoffending_assessment_prompt": "reoffending_assessment_prompt",
    "dhc_contact_within_one_day": "dhc_contact_within_one_day",
    "frti_charge_decision_communicated": "frti_charge_decision_communicated",
    "recorded_via_call_handling": "recorded_via_call_handling",
    "recorded_via_recording_centre": "recorded_via_recording_centre",
    "recorded_via_specialist_system": "recorded_via_other_systems",
}


class Truth:
    def __init__(self) -> None:
        self.duties: Counter[tuple[str, str, str, str]] = Counter()  # force, provider, ent, status
        self.findings: Counter[tuple[str, str, str]] = Counter()  # force, finding, outcome
        self.counts: Counter[tuple[str, str]] = Counter()  # force, what
        self.repeat_uses: dict[str, list[int]] = {}  # force -> reports per pooled person
        self.forces: set[str] = set()  # every force of the year, even one with no case

    def duty(self, force: str, provider: str, entitlement: str, status: str, n: int = 1) -> None:
        self.duties[(force, provider, entitlement, status)] += n

    def finding(self, force: str, finding: str, outcome: str, n: int = 1) -> None:
        self.findings[(force, finding, outcome)] += n

    def count(self, force: str, what: str, n: int = 1) -> None:
        self.counts[(force, what)] += n

    def repeat_summary(self, force: str) -> dict[str, int]:
        uses = self.repeat_uses.get(force, [])
        repeated = [u for u in uses if u >= 2]
        return {"people_reported_more_than_once": len(repeated),
                "their_victim_records": sum(repeated),
                "people_reported_once": sum(1 for u in uses if u == 1)}

    def as_dict(self) -> dict[str, Any]:
        forces: dict[str, dict[str, Any]] = defaultdict(lambda: {
            "counts": {}, "duties": {}, "duties_by_provider": {}, "findings": {}})
        for force in self.forces:
            forces[force]["counts"]["cases_recorded"] = 0
        for (force, what), n in sorted(self.counts.items()):
            forces[force]["counts"][what] = n
        for (force, provider, ent, status), n in sorted(self.duties.items()):
            by_ent = forces[force]["duties"].setdefault(ent, dict.fromkeys(DUTY_STATUSES, 0))
            by_ent[status] += n
            by_org = forces[force]["duties_by_provider"].setdefault(provider, {}).setdefault(
                ent, dict.fromkeys(DUTY_STATUSES, 0))
            by_org[status] += n
        for (force, finding, outcome), n in sorted(self.findings.items()):
            forces[force]["findings"].setdefault(finding, {})[outcome] = n
        for force in list(forces):
            forces[force]["repeat_victims"] = self.repeat_summary(force)
        national: dict[str, Any] = {"counts": Counter(), "duties": {}}
        for (_force, what), n in self.counts.items():
            national["counts"][what] += n
        for (_f, _p, ent, status), n in self.duties.items():
            national["duties"].setdefault(ent, dict.fromkeys(DUTY_STATUSES, 0))[status] += n
        national["counts"] = dict(sorted(national["counts"].items()))
        national["duties"] = dict(sorted(national["duties"].items()))
        return {"forces": dict(sorted(forces.items())), "national": national}


def truth_write(path: str, header: dict[str, Any], truth: Truth) -> None:
    with open(path, "w", encoding="utf-8") as out:
        json.dump({**header, **truth.as_dict()}, out, indent=1, sort_keys=False)
        out.write("\n")
