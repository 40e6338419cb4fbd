"""The relations every metric is built from, as of an instant, as Ibis expressions.

- `of_type(...)`: journey events that had occurred by the instant, less those withdrawn by a
  `correction.recorded` (a replacement's new values are not applied here: the duty engine
  applies them to duties, which is where timing matters);
- `facts`: one row per case from its `crime.reported` event (offence, offence group, channel,
  death, hate-crime strands);
- `duties`: duties triggered by the instant, with their status as of the instant;
- `judgements`: inspectors' judgements recorded by the instant.

A metric's units form a table with the columns of `UNIT_COLUMNS`; `units_enrich` adds the
breakdown dimensions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cached_property

import ibis
import ibis.expr.datatypes as dtypes
import ibis.expr.types as ir

from victimjourney.code.editions import all_entitlements
from victimjourney.inspection.source import Source

UNIT_COLUMNS = ("unit", "outcome", "case_id", "provider", "started", "enhanced", "victim_id",
                "stage")
DUTY_OUTCOMES = ("met", "late", "breached", "open", "not_applicable")
ENTITLEMENT_STAGES = {e.id: e.stage for e in all_entitlements()}
# The fields of an event's payload that the metrics read (`Relations.json`, `Relations.flag`,
# `Source.json_int`): the analytics export keeps these and drops the rest (free text among
# them). A test checks that every field a metric reads is listed here.
PAYLOAD_FIELDS = ("answers", "channel", "complete", "consent_sought", "corrects",
                  "custodial_months", "death", "decision", "disposal", "hate", "offence",
                  "offence_group", "withdrawn")
# The column of a unit table that says which of the periods asked for (`metrics_compute_periods`)
# the unit started in.
PERIOD_INDEX = "period_index"
# Event types that several findings read: with `Relations.materialize`, each is read from the
# event table once, into a temporary table. (A type's events are spread over the whole table,
# so every read of a common type touches most of its pages.)
SHARED_TYPES = frozenset({("cps.decision",), ("cps.decision_proposed",),
                          ("ooc_disposal.issued",), ("ooc_disposal.victim_views_recorded",)})
# The analytics export's column on events: the named victim was under 18 on the local day of
# the event (computed by `under_18` from the date of birth, which is not exported).
UNDER_18 = "victim_under_18"


class Relations:
    def __init__(self, source: Source, *, as_of: dt.datetime):
        self.source = source
        self.as_of = as_of
        self._materialize = False
        self._of_type: dict[tuple[str, ...], ir.Table] = {}
        # Shared relations whose rows are distinct already (`flag_in` need not make them so).
        self._distinct: list[ir.Table] = []

    def materialize(self) -> None:
        """From now on, compute the relations that many metrics join (withdrawn events, facts
        per case and whether it was recorded, the events answered by a contact, cases with a
        victim, enhanced cases, FRTI cases, the events of `SHARED_TYPES`) once each, into
        temporary tables, when first needed."""
        self._materialize = True

    def shared(self, expr: ir.Table, *, distinct: bool = False) -> ir.Table:
        """EXPR, into a temporary table (analysed: the planner then knows how many rows a
        small set of cases has, and looks their rows up by index) when materialising.
        DISTINCT: its rows are distinct."""
        table = self.source.materialize(expr) if self._materialize else expr
        if distinct:
            self._distinct.append(table)
        return table

    def at_or_before(self, column: ir.Value) -> ir.BooleanValue:
        return column <= self.source.instant(self.as_of, column)  # type: ignore[no-any-return]

    def json(self, table: ir.Table, key: str) -> ir.StringValue:
        return self.source.json_text(table.data, key)

    def flag(self, table: ir.Table, key: str) -> ir.BooleanValue:
        return self.source.json_flag(table.data, key)

    def stamp(self, column: ir.Value) -> ir.StringValue:
        return self.source.local_stamp(column)

    @cached_property
    def withdrawn(self) -> ir.Table:
        """Ids of events withdrawn by a correction made by the instant."""
        e = self.source.table("journey_event")
        corr = e.filter((e.type == "correction.recorded") & self.at_or_before(e.occurred_at))
        return self.shared(corr.filter(self.flag(corr, "withdrawn")).select(
            id=self.json(corr, "corrects")))

    def of_type(self, *types: str) -> ir.Table:
        """Events of these types, by the instant, not withdrawn. Each call reads the event
        table afresh (filtered by type first, so by its index) rather than a shared subquery,
        which PostgreSQL would scan once per row of a join; the types of `SHARED_TYPES` are
        read once into a temporary table when materialising."""
        if self._materialize and types in SHARED_TYPES:
            if types not in self._of_type:
                self._of_type[types] = self.shared(self._read_type(types))
            return self._of_type[types]
        return self._read_type(types)

    def _read_type(self, types: tuple[str, ...]) -> ir.Table:
        e = self.source.table("journey_event")
        e = e.filter(e.type.isin(types)) if len(types) > 1 else e.filter(e.type == types[0])
        return e.filter(self.at_or_before(e.occurred_at) & ~e.id.isin(self.withdrawn.id))

    @cached_property
    def answered_ids(self) -> ir.Table:
        """The distinct ids of events answered by a contact."""
        return self.shared(self.answered().select("answers").distinct(), distinct=True)

    def flag_in(self, t: ir.Table, key: str, ids: ir.Table, name: str) -> ir.Table:
        """T with a boolean column NAME: whether T[KEY] is among the (first column of) IDS.

        A left join against the distinct ids, not `isin`: in a select list PostgreSQL runs
        `x IN (subquery)` as a subplan, scanned again for every row once the ids outgrow
        work_mem."""
        column = f"_{name}_key"
        distinct = ids.select(**{column: ids[ids.columns[0]]})
        if not any(ids is known for known in self._distinct):
            distinct = distinct.distinct()
        joined = t.left_join(distinct, t[key] == distinct[column])
        return joined.select(t, **{name: joined[column].notnull()})

    def answered(self, *, by: str = "contact.made") -> ir.Table:
        """The ids of events answered by a contact (`answers`), with the contact's time."""
        c = self.of_type(by)
        return c.select(answers=self.json(c, "answers"), answered_at=c.occurred_at)

    @cached_property
    def cases(self) -> ir.Table:
        c = self.source.table("cases_case")
        return c.select(case_id=c.id, force=c.force_id, reported_at=c.reported_at)

    @cached_property
    def facts(self) -> ir.Table:
        """One row per case with a `crime.reported`: its facts, and `recorded`: whether the
        case has a `crime.recorded` too (read in the same pass over the events: each of the
        two types is spread over the whole event table)."""
        r = self.of_type("crime.reported", "crime.recorded")
        reported = r.type == "crime.reported"

        def of_report(value: ir.Value) -> ir.Value:
            return ibis.cases((reported, value), else_=ibis.null().cast(value.type()))

        per = r.group_by("case_id").aggregate(
            offence=of_report(self.json(r, "offence")).max(),
            offence_group=of_report(self.json(r, "offence_group")).max(),
            channel=of_report(self.json(r, "channel")).max(),
            death=ibis.ifelse(reported & self.flag(r, "death"), 1, 0).max(),
            hate=of_report(self.json(r, "hate")).max(),
            reported_at=of_report(r.occurred_at).min(),
            reported_by=of_report(r.provider_id).max(),
            reports=ibis.ifelse(reported, 1, 0).sum(),
            recorded=ibis.ifelse(reported, 0, 1).max(),
        )
        return self.shared(per.filter(per.reports > 0).drop("reports"))

    @cached_property
    def frti_cases(self) -> ir.Table:
        """Fatal road traffic incidents: a death caused by driving (the FRTI inspection's
        scope): `crime.reported` with `death` true and an offence naming driving."""
        f = self.facts
        return self.shared(f.filter((f.death == 1) & f.offence.lower().contains("driving"))
                            .select("case_id"))

    @cached_property
    def victims(self) -> ir.Table:
        """Victims identified by the instant (with the date of birth where the source has it:
        the database does, the analytics export does not)."""
        v = self.source.table("victims_victim")
        v = v.filter(self.at_or_before(v.identified_at))
        born = {"date_of_birth": v.date_of_birth} if "date_of_birth" in v.columns else {}
        return v.select(victim_id=v.id, case_id=v.case_id, key=v.key, kind=v.kind, **born)

    def of_children(self, e: ir.Table) -> ir.Table:
        """The events of E, joined with their victim (identified by the instant), whose victim
        was under 18 on the local day of the event. Over the analytics export, which has no
        dates of birth, this reads the export's `victim_under_18` column, computed there by
        the same `under_18`."""
        v = self.victims
        j = e.join(v, (e.case_id == v.case_id) & (e.victim_key == v.key))
        if UNDER_18 in e.columns:
            return j.filter(j[UNDER_18].fill_null(False))
        return j.filter(under_18(self.source, j.occurred_at, j.date_of_birth))

    @cached_property
    def cases_with_victim(self) -> ir.Table:
        return self.shared(self.victims.select("case_id").distinct(), distinct=True)

    @cached_property
    def categories(self) -> ir.Table:
        """Category records that apply (derived or recorded), from when they took effect."""
        c = self.source.table("victims_categoryrecord")
        c = c.filter((c.state == "applies") & self.at_or_before(c.effective_at))
        return c.select(victim_id=c.victim_id, category=c.category, effective_at=c.effective_at)

    @cached_property
    def enhanced_cases(self) -> ir.Table:
        """Cases with a victim in an enhanced-entitlement category."""
        v = self.victims
        c = self.categories
        return self.shared(v.join(c, v.victim_id == c.victim_id).select(v.case_id).distinct()
                            .mutate(case_enhanced=ibis.literal(True)))

    @cached_property
    def duties(self) -> ir.Table:
        """Duties triggered by the instant, with `status_as_of`: met or late if fulfilled by
        then, breached if due by then and not fulfilled, open otherwise; not applicable stays."""
        d = self.source.table("duties_duty")
        d = d.filter(self.at_or_before(d.triggered_at))
        done = d.fulfilled_at.notnull() & self.at_or_before(d.fulfilled_at.fill_null(
            d.triggered_at))
        due = d.due_at.notnull() & self.at_or_before(d.due_at.fill_null(d.triggered_at))
        status = ibis.cases(
            (d.status == "not_applicable", "not_applicable"),
            (done & d.status.isin(("met", "late")), d.status),
            (due, "breached"),
            else_="open",
        )
        return d.mutate(status_as_of=status)

    @cached_property
    def judgements(self) -> ir.Table:
        j = self.source.table("inspection_judgement")
        return j.filter(self.at_or_before(j.recorded_at))

    # -- unit tables ---------------------------------------------------------------------
    def units(self, t: ir.Table, *, unit: ir.Value, outcome: ir.Value, case_id: ir.Value,
              provider: ir.Value, started: ir.Value, stage: int | ir.Value,
              enhanced: ir.Value | None = None, victim_id: ir.Value | None = None,
              **extra: ir.Value) -> ir.Table:
        return t.select(
            unit=unit.cast("string"), outcome=outcome.cast("string"),
            case_id=case_id.cast("int64"), provider=provider.cast("string"),
            started=started,
            enhanced=(enhanced if enhanced is not None
                      else ibis.null().cast("boolean")),
            victim_id=(victim_id.cast("int64") if victim_id is not None
                       else ibis.null().cast("int64")),
            stage=(ibis.literal(stage) if isinstance(stage, int) else stage).cast("int64"),
            **extra,
        )

    def duty_units(self, d: ir.Table, *, outcome: ir.Value | None = None,
                   **extra: ir.Value) -> ir.Table:
        return self.units(
            d, unit=d.id, outcome=d.status_as_of if outcome is None else outcome,
            case_id=d.case_id, provider=d.provider_id, started=d.triggered_at,
            stage=d.entitlement.substitute(ENTITLEMENT_STAGES, else_=0),
            enhanced=d.enhanced, victim_id=d.victim_id, **extra)

    def event_units(self, e: ir.Table, *, outcome: ir.Value, stage: int) -> ir.Table:
        return self.units(e, unit=e.id, outcome=outcome, case_id=e.case_id,
                          provider=e.provider_id, started=e.occurred_at, stage=stage)


def under_18(source: Source, at: ir.Value, date_of_birth: ir.Value) -> ir.BooleanValue:
    """Under 18 on the local day of the instant AT (false where no date of birth)."""
    day = source.local_stamp(at).substr(0, 10)
    cutoff = (day.substr(0, 4).cast("int64") - 18).cast("string").lpad(4, "0") + day.substr(4, 6)
    born = source.date_text(date_of_birth)
    return date_of_birth.notnull() & (born > cutoff)  # type: ignore[no-any-return]


PERIOD_DIMENSIONS = ("month", "quarter", "year")


def units_enrich(rel: Relations, units: ir.Table, dimensions: Iterable[str]) -> ir.Table:
    """Add the breakdown DIMENSIONS asked for (force, provider, offence group, channel,
    category: enhanced or standard, stage, month, quarter and year: local) to a unit table,
    joining only what they need."""
    wanted = set(dimensions)
    u = units
    if "force" in wanted:
        cases = rel.cases.select("case_id", "force")
        u = u.left_join(cases, u.case_id == cases.case_id).select(u, cases.force)
    if wanted & {"offence_group", "channel"}:
        facts = rel.facts.select("case_id", "offence_group", "channel")
        u = u.left_join(facts, u.case_id == facts.case_id).select(
            u, facts.offence_group, facts.channel)
    if "category" in wanted:
        enh = rel.enhanced_cases
        u = u.left_join(enh, u.case_id == enh.case_id).select(u, enh.case_enhanced)
    columns: dict[str, ir.Value] = {}
    if "force" in wanted:
        columns["force"] = u.force.fill_null("unknown")
    if "provider" in wanted:
        columns["provider"] = u.provider
    if "offence_group" in wanted:
        columns["offence_group"] = u.offence_group.fill_null("not recorded")
    if "channel" in wanted:
        columns["channel"] = u.channel.fill_null("not recorded")
    if "category" in wanted:
        enhanced = ibis.coalesce(u.enhanced, u.case_enhanced, ibis.literal(False))
        columns["category"] = ibis.ifelse(enhanced, "enhanced", "standard")
    if "stage" in wanted:
        columns["stage"] = u.stage.cast("string")
    if wanted & set(PERIOD_DIMENSIONS):
        at = rel.stamp(u.started)
        month = at.substr(5, 2).cast("int64")
        columns.update(month=at.substr(0, 7), year=at.substr(0, 4),
                       quarter=at.substr(0, 4) + "-Q" + ((month - 1) // 3 + 1).cast("string"))
    keep = [c for c in ("metric", "unit", "outcome", "case_id", "started", "victim_id",
                        PERIOD_INDEX) if c in u.columns]
    return u.select(*keep, **{k: v for k, v in columns.items() if k in wanted})


def units_by_victim_category(rel: Relations, units: ir.Table) -> ir.Table:
    """One row per unit and category in force for its victim (or, for a unit about a whole
    case, for any victim on the case) when the unit started; 'none' where no category.
    UNITS has the columns unit, metric, outcome, started, victim_id and case_id (and
    PERIOD_INDEX, which is kept)."""
    keep = tuple(c for c in ("unit", "metric", "outcome", "started", "victim_id", PERIOD_INDEX)
                 if c in units.columns)
    labels = [c for c in ("unit", "metric", "outcome", PERIOD_INDEX) if c in units.columns]
    with_victim = units.filter(units.victim_id.notnull()).select(*keep)
    whole_case = units.filter(units.victim_id.isnull())
    v = rel.victims
    via_case = whole_case.join(v, whole_case.case_id == v.case_id).select(
        *[whole_case[c] for c in keep if c != "victim_id"], v.victim_id)
    pairs = nullable(with_victim).union(nullable(via_case.select(*keep)))
    c = rel.categories
    joined = pairs.left_join(c, (pairs.victim_id == c.victim_id)
                             & (c.effective_at <= pairs.started)).select(
        *[pairs[name] for name in labels], c.category)
    tagged = joined.select(*labels,
                           victim_category=joined.category.fill_null("none")).distinct()
    # A unit about a case with no victim at all still counts, under 'none'.
    lonely = units.anti_join(tagged.select("unit").distinct(), "unit").select(
        *labels, victim_category=ibis.literal("none"))
    return nullable(tagged).union(nullable(lonely))


def nullable(t: ir.Table) -> ir.Table:
    """The same columns, every type nullable (set operations need equal schemas)."""
    return t.cast({name: dtypes.String(nullable=True) if kind.is_string()
                   else kind.copy(nullable=True) for name, kind in t.schema().items()})
