"""Charts as SVG (Altair, rendered by vl-convert): funnel plots and rates with intervals.

Every chart is drawn from the same rows as the table shown beside it, which is the accessible
equivalent; the SVG carries a title and description for screen readers. Their words are in
the active language (the dashboards' page language; English for the annual report).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import altair as alt
import vl_convert
from django.utils.translation import gettext as _

from victimjourney.inspection.metrics import Count
from victimjourney.inspection.stats import Funnel, funnel_limits

BLUE = "#1d70b8"
RED = "#d4351c"
GREY = "#505a5f"


def _svg(chart: alt.TopLevelMixin, description: str) -> str:
    # Not validated against the Vega-Lite schema on every render (half the time of a chart):
    # the specs are built here from fixed code, and the tests render each kind.
    svg = vl_convert.vegalite_to_svg(chart.to_dict(validate=False))
    # role="img" and an aria-label, so a screen reader announces the chart and its summary.
    label = description.replace('"', "'")
    return re.sub(r"<svg\b", f'<svg role="img" aria-label="{label}"', svg, count=1)


def funnel_svg(result: Funnel, *, title: str, higher_is_better: bool = True,
               width: int = 560, height: int = 340) -> str:
    """A funnel plot: each unit's rate against its denominator, with 95% and 99.8% limits
    around the overall rate."""
    largest = max(p.denominator for p in result.points)
    smallest = max(1, min(p.denominator for p in result.points))
    steps = 80
    curve = []
    for i in range(steps + 1):
        n = max(1, round(smallest / 2 + (largest * 1.1 - smallest / 2) * i / steps))
        lim = funnel_limits(result.p0, n)
        curve += [{"n": n, "limit": "95%", "side": "lower", "rate": lim.lower95},
                  {"n": n, "limit": "95%", "side": "upper", "rate": lim.upper95},
                  {"n": n, "limit": "99.8%", "side": "lower", "rate": lim.lower998},
                  {"n": n, "limit": "99.8%", "side": "upper", "rate": lim.upper998}]
    points = [{"name": p.name, "n": p.denominator, "rate": p.rate, "position": _(p.position)}
              for p in result.points]
    x = alt.X("n:Q", title=_("number of cases (denominator)"))
    y = alt.Y("rate:Q", title=_("rate"), axis=alt.Axis(format="%"),
              scale=alt.Scale(domain=[0, 1]))
    limits = alt.Chart(alt.Data(values=curve)).mark_line(strokeWidth=1).encode(
        x=x, y=y, detail="side:N",
        strokeDash=alt.StrokeDash("limit:N", title=_("control limit"),
                                  scale=alt.Scale(domain=["95%", "99.8%"],
                                                  range=[[4, 3], [1, 0]])),
        color=alt.value(GREY))
    mean = alt.Chart(alt.Data(values=[{"rate": result.p0}])).mark_rule(color=BLUE).encode(y=y)
    dots = alt.Chart(alt.Data(values=points)).mark_circle(size=45, opacity=0.9).encode(
        x=x, y=y,
        color=alt.Color("position:N", title=_("position"),
                        scale=alt.Scale(domain=[_(p) for p in (
                                            "within limits", "above 95% limit",
                                            "below 95% limit", "above 99.8% limit",
                                            "below 99.8% limit")],
                                        range=[BLUE, "#00703c", "#f47738", "#005a30", RED])),
        tooltip=["name:N", "n:Q", alt.Tooltip("rate:Q", format=".1%")])
    chart = (limits + mean + dots).properties(title=title, width=width, height=height
                                              ).configure_legend(orient="bottom",
                                                                 direction="horizontal",
                                                                 columns=3)
    outside = sum(1 for p in result.points if p.outside998)
    description = _("Funnel plot: %(title)s. Overall rate %(rate)s across %(areas)s areas; "
                    "%(outside)s outside the 99.8%% limits. The table beside the chart gives "
                    "every figure.") % {"title": title, "rate": f"{result.p0:.1%}",
                                        "areas": len(result.points), "outside": outside}
    return _svg(chart, description)


def rates_svg(rows: Sequence[tuple[str, Count]], *, title: str, width: int = 560,
              sort: bool = False) -> str:
    """Each group's rate as a bar with its Wilson 95% interval."""
    data = [{"group": g, "rate": c.value, "low": c.interval[0], "high": c.interval[1],
             "n": c.denominator}
            for g, c in rows if c.value is not None and c.interval is not None]
    if not data:
        return ""
    order = "-x" if sort else None
    y = alt.Y("group:N", title=None, sort=order)
    bars = alt.Chart(alt.Data(values=data)).mark_bar(color=BLUE).encode(
        x=alt.X("rate:Q", title=_("rate"), axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])), y=y,
        tooltip=["group:N", alt.Tooltip("rate:Q", format=".1%"), "n:Q"])
    errors = alt.Chart(alt.Data(values=data)).mark_rule(color=GREY).encode(
        x="low:Q", x2="high:Q", y=y)
    height = max(60, 18 * len(data))
    chart = (bars + errors).properties(title=title, width=width, height=height)
    return _svg(chart, _("Bar chart: %(title)s, %(groups)s groups, with 95%% intervals. The "
                         "table beside the chart gives every figure.")
                % {"title": title, "groups": len(data)})
