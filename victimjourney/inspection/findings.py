"""The seed report's quantified findings (`shared/spec/findings.md`) as unit tables.

Each builder returns the units a finding counts (one row each, with its outcome), from journey
events, from duties (themselves computed from events) or, for the findings that are an
inspector's judgement, from judgement records. The words of each numerator and denominator are
in `registry.py`; the reasoning behind each definition is in docs/INSPECTION.md.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from victimjourney.inspection.relations import Relations

Builder = Callable[[Relations], ir.Table]

CAUTIONS = ("caution", "conditional_caution", "youth_caution")
CHARGING_DECISIONS = ("charge", "no_further_action")
CPS_LETTER_DUTIES = ("cps_decision_not_to_charge", "cps_discontinue_or_alter_charge")
VULNERABLE_OR_INTIMIDATED = ("vulnerable", "intimidated")
# A child's consent is sought "routinely" by a force when it is sought in at least this share
# of its video-recorded interviews with children (the inspection does not give a threshold).
ROUTINELY = 0.8
# A likelihood-of-reoffending assessment is prompt within this many days of sentence (the
# prison inspection does not state its standard; OASys guidance asks for it early in custody).
PROMPT_ASSESSMENT_DAYS = 56


def _yes_no(condition: ir.BooleanValue) -> ir.StringValue:
    return ibis.ifelse(condition, "yes", "no")


def recorded_via(channel: str) -> Builder:
    """Crimes reported through CHANNEL (each should have been recorded) and whether they
    were: one unit per case's `crime.reported` (read from the facts per case)."""
    def build(r: Relations) -> ir.Table:
        f = r.facts
        f = f.filter(f.channel == channel)
        return r.units(f, unit=f.case_id, outcome=_yes_no(f.recorded == 1), case_id=f.case_id,
                       provider=f.reported_by, started=f.reported_at, stage=1)
    return build


def no_crime_victim_told(r: Relations) -> ir.Table:
    e = r.of_type("crime.cancelled")
    e = e.filter(e.case_id.isin(r.cases_with_victim.case_id))
    e = r.flag_in(e, "id", r.answered_ids, "told")
    return r.event_units(e, outcome=_yes_no(e.told), stage=1)


def ooc_views(disposals: tuple[str, ...]) -> Builder:
    """Out-of-court disposals of these kinds given on a case with a victim; yes when the
    victim's views were recorded on the case no later than the disposal was given."""
    def build(r: Relations) -> ir.Table:
        e = r.of_type("ooc_disposal.issued")
        e = e.filter(r.json(e, "disposal").isin(disposals)
                     & e.case_id.isin(r.cases_with_victim.case_id))
        views = r.of_type("ooc_disposal.victim_views_recorded").select(
            views_case=ibis._.case_id, views_at=ibis._.occurred_at)
        j = e.left_join(views, (e.case_id == views.views_case)
                        & (views.views_at <= e.occurred_at))
        per = j.group_by([e.id, e.case_id, e.provider_id, e.occurred_at]).aggregate(
            views=j.views_case.count())
        return r.event_units(per, outcome=_yes_no(per.views > 0), stage=4)
    return build


def frti_charge_decision_communicated(r: Relations) -> ir.Table:
    """FRTI cases with a charging decision; yes when a contact answers one of them."""
    d = r.of_type("cps.decision")
    d = d.filter(r.json(d, "decision").isin(CHARGING_DECISIONS)
                 & d.case_id.isin(r.frti_cases.case_id))
    d = r.flag_in(d, "id", r.answered_ids, "answered")
    per = d.mutate(told=ibis.ifelse(d.answered, 1, 0)).group_by("case_id").aggregate(
        first=d.occurred_at.min(), provider=d.provider_id.max(), told=ibis._.told.max())
    return r.units(per, unit=per.case_id, outcome=_yes_no(per.told == 1), case_id=per.case_id,
                   provider=per.provider, started=per.first, stage=4)


def frti_consultation(decision: str) -> Builder:
    """Proposals in FRTI cases to take DECISION; yes when a contact answers the proposal no
    later than the decision itself (or by the instant, when not yet decided)."""
    def build(r: Relations) -> ir.Table:
        p = r.of_type("cps.decision_proposed")
        p = p.filter((r.json(p, "decision") == decision) & p.case_id.isin(r.frti_cases.case_id))
        d = r.of_type("cps.decision")
        d = d.filter(r.json(d, "decision") == decision).select(
            d_case=d.case_id, d_at=d.occurred_at)
        j = p.left_join(d, (p.case_id == d.d_case) & (d.d_at >= p.occurred_at))
        decided = j.group_by([p.id, p.case_id, p.provider_id, p.occurred_at]).aggregate(
            decided_at=j.d_at.min())
        a = r.answered()
        k = decided.left_join(a, (a.answers == decided.id) & (
            decided.decided_at.isnull() | (a.answered_at <= decided.decided_at)))
        per = k.group_by([decided.id, decided.case_id, decided.provider_id,
                          decided.occurred_at]).aggregate(contacts=k.answers.count())
        return r.event_units(per, outcome=_yes_no(per.contacts > 0), stage=4)
    return build


def _duties_with_outcome(r: Relations, d: ir.Table, *, met_only: bool = True) -> ir.Table:
    """Duty units whose time has come (met, late or breached), outcome yes when met."""
    d = d.filter(d.status_as_of.isin(("met", "late", "breached")))
    if not met_only:
        return r.duty_units(d)
    return r.duty_units(d, outcome=_yes_no(d.status_as_of == "met"))


def frti_decision_letter_timely(r: Relations) -> ir.Table:
    """Letter duties after accepting pleas to other charges or discontinuing, in FRTI cases."""
    e = r.of_type("cps.decision")
    decisions = e.filter(r.json(e, "decision").isin(("accept_plea_other_charge", "discontinue"))
                         & e.case_id.isin(r.frti_cases.case_id))
    d = r.duties
    d = d.filter((d.entitlement == "cps_discontinue_or_alter_charge")
                 & d.trigger_event_id.isin(decisions.id))
    return _duties_with_outcome(r, d)


def right_to_review_notified(r: Relations) -> ir.Table:
    """CPS decisions to take no further action: notified when a contact answers the decision
    (the Code's letter carries the Right to Review); undeterminable when the case file names no
    victim (nobody to tell, so no record can show it); not notified otherwise."""
    e = r.of_type("cps.decision")
    e = e.filter(r.json(e, "decision") == "no_further_action")
    e = r.flag_in(e, "case_id", r.cases_with_victim, "has_victim")
    e = r.flag_in(e, "id", r.answered_ids, "told")
    outcome = ibis.cases(
        (~e.has_victim, "undeterminable"),
        (e.told, "notified"),
        else_="not_notified",
    )
    return r.event_units(e, outcome=outcome, stage=4)


def vi_letter_within_one_day(r: Relations) -> ir.Table:
    """CPS decision letters owed to a victim flagged vulnerable or intimidated at the
    decision: met (on time), late, or never sent (breached)."""
    d = r.duties
    d = d.filter(d.entitlement.isin(CPS_LETTER_DUTIES))
    c = r.categories
    c = c.filter(c.category.isin(VULNERABLE_OR_INTIMIDATED))
    d = d.semi_join(c, (d.victim_id == c.victim_id) & (c.effective_at <= d.triggered_at))
    return _duties_with_outcome(r, d, met_only=False)


def bereaved_meeting_offered(r: Relations) -> ir.Table:
    """Duties to offer a meeting to explain a CPS decision (cases where it should have been
    offered); yes when the offer was made."""
    d = r.duties
    d = d.filter((d.entitlement == "cps_meeting_on_decision")
                 & (d.status_as_of != "not_applicable"))
    return r.duty_units(d, outcome=_yes_no(d.status_as_of.isin(("met", "late"))))


def witness_attendance_secured(r: Relations) -> ir.Table:
    """Victims required as witnesses whose trial began; yes when the Witness Care Unit's full
    needs assessment was done between the requirement and the trial."""
    w = r.of_type("witness.required")
    t = r.of_type("trial.started").select(t_case=ibis._.case_id, t_at=ibis._.occurred_at)
    j = w.join(t, (w.case_id == t.t_case) & (t.t_at >= w.occurred_at))
    tried = j.group_by([w.id, w.case_id, w.provider_id, w.occurred_at]).aggregate(
        trial_at=j.t_at.min())
    n = r.of_type("wcu.needs_assessment.completed").select(
        n_case=ibis._.case_id, n_at=ibis._.occurred_at)
    k = tried.left_join(n, (n.n_case == tried.case_id) & (n.n_at >= tried.occurred_at)
                        & (n.n_at <= tried.trial_at))
    per = k.group_by([tried.id, tried.case_id, tried.provider_id, tried.occurred_at]).aggregate(
        assessed=k.n_case.count())
    return r.event_units(per, outcome=_yes_no(per.assessed > 0), stage=5)


def dhc_contact_within_one_day(r: Relations) -> ir.Table:
    """Disability hate crimes where a suspect was identified (arrested): the duty to tell the
    victim, due within one working day (hate crime victims are owed the enhanced service)."""
    f = r.facts
    dhc = r.shared(f.filter(f.hate.contains('"disability"')).select("case_id"))
    d = r.duties
    d = d.filter((d.entitlement == "suspect_arrested") & d.case_id.isin(dhc.case_id))
    return _duties_with_outcome(r, d)


def child_video_consent_sought(r: Relations) -> ir.Table:
    """Forces with video-recorded interviews of children (under 18 on the day); yes when the
    child's consent was sought in at least ROUTINELY of them."""
    children = r.of_children(r.of_type("interview.video_recorded"))
    cases = r.cases.select("case_id", "force")
    k = children.join(cases, children.case_id == cases.case_id)
    sought = ibis.ifelse(r.flag(k, "consent_sought"), 1, 0)
    per = k.mutate(sought=sought).group_by("force").aggregate(
        interviews=ibis._.count(), sought=ibis._.sought.sum(), first=ibis._.occurred_at.min(),
        case_id=ibis._.case_id.min())
    routinely = per.sought >= per.interviews * ROUTINELY
    return r.units(per, unit=per.force, outcome=_yes_no(routinely), case_id=per.case_id,
                   provider=per.force, started=per.first, stage=8)


def reoffending_assessment_prompt(r: Relations) -> ir.Table:
    """Custodial sentences; yes when a complete assessment of the offender's likelihood of
    reoffending followed within PROMPT_ASSESSMENT_DAYS."""
    s = r.of_type("sentence.passed")
    s = s.filter(r.source.json_int(s.data, "custodial_months").fill_null(0) >= 1)
    a = r.of_type("offender.risk_assessed")
    a = a.filter(r.flag(a, "complete")).select(
        a_case=ibis._.case_id, a_secs=r.source.seconds(ibis._.occurred_at))
    secs = r.source.seconds(s.occurred_at)
    s = s.mutate(s_secs=secs)
    j = s.left_join(a, (a.a_case == s.case_id) & (a.a_secs >= s.s_secs)
                    & (a.a_secs <= s.s_secs + PROMPT_ASSESSMENT_DAYS * 86400))
    per = j.group_by([s.id, s.case_id, s.provider_id, s.occurred_at]).aggregate(
        assessed=j.a_case.count())
    return r.event_units(per, outcome=_yes_no(per.assessed > 0), stage=6)


def judged(finding: str, stage: int) -> Builder:
    """Judgement records for FINDING; the outcome is the judgement (fully, partially, not met)."""
    def build(r: Relations) -> ir.Table:
        j = r.judgements
        j = j.filter(j.finding == finding)
        cases = r.source.table("cases_case")
        k = j.join(cases, j.case_id == cases.id)
        started = ibis.coalesce(k.reported_at, k.recorded_at)
        return r.units(k, unit=k.id, outcome=k.outcome, case_id=k.case_id,
                       provider=k.force_id.fill_null("unknown"), started=started, stage=stage)
    return build
