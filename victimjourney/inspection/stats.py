"""Intervals and fair comparisons: Wilson intervals, funnel plot limits, overdispersion.

Pure functions of counts (no database). References:
- Wilson, E. B. (1927), "Probable inference...", JASA 22: the score interval for a proportion.
- Spiegelhalter, D. J. (2005), "Funnel plots for comparing institutional performance",
  Statistics in Medicine 24: control limits p0 ± z·sqrt(p0(1-p0)/n) around the overall rate
  p0, with z = 1.96 (95%) and 3.09 (99.8%); overdispersion φ = (1/I)·Σ z_i², tested as
  I·φ ~ χ²(I-1), and the additive random-effects variance τ² for overdispersed limits.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_noop

# A unit's position against the funnel's limits (UnitPoint.position), marked for translation.
POSITIONS = (
    gettext_noop("within limits"),
    # xgettext:no-python-format
    gettext_noop("above 95% limit"),
    # xgettext:no-python-format
    gettext_noop("below 95% limit"),
    # xgettext:no-python-format
    gettext_noop("above 99.8% limit"),
    # xgettext:no-python-format
    gettext_noop("below 99.8% limit"),
)

Z95 = 1.959963984540054  # two-sided 95%
Z998 = 3.090232306167813  # two-sided 99.8%


def wilson(numerator: int, denominator: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval for numerator/denominator (None when the denominator is 0)."""
    if denominator <= 0:
        return None
    n = denominator
    p = numerator / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = (z / (1 + z2 / n)) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class FunnelLimits:
    n: int
    lower95: float
    upper95: float
    lower998: float
    upper998: float


def funnel_limits(p0: float, n: int, tau2: float = 0.0) -> FunnelLimits:
    """Control limits for a unit with denominator N around the overall rate P0 (normal
    approximation to the binomial; with TAU2 > 0, limits widened for overdispersion)."""
    if n <= 0:
        raise ValueError("a funnel limit needs a denominator above 0")
    se = math.sqrt(p0 * (1 - p0) / n + tau2)

    def clip(x: float) -> float:
        return min(1.0, max(0.0, x))

    return FunnelLimits(n, clip(p0 - Z95 * se), clip(p0 + Z95 * se), clip(p0 - Z998 * se),
                        clip(p0 + Z998 * se))


@dataclass(frozen=True)
class UnitPoint:
    name: str
    numerator: int
    denominator: int
    rate: float
    z: float  # standardised difference from the overall rate
    limits: FunnelLimits
    outside95: bool
    outside998: bool

    @property
    def position(self) -> str:
        """Where the unit lies against the limits, in English (the dashboards translate it:
        the words are marked in POSITIONS)."""
        if self.outside998:
            return "above 99.8% limit" if self.z > 0 else "below 99.8% limit"
        if self.outside95:
            return "above 95% limit" if self.z > 0 else "below 95% limit"
        return "within limits"


@dataclass(frozen=True)
class Overdispersion:
    units: int
    chi2: float  # Σ z_i² (Pearson)
    df: int
    phi: float  # chi2 / units
    p_value: float  # P(χ²(df) ≥ chi2): small means more variation than chance
    tau2: float  # additive random-effects variance (0 when not overdispersed)

    @property
    def overdispersed(self) -> bool:
        return self.p_value < 0.05


@dataclass(frozen=True)
class Funnel:
    p0: float
    points: list[UnitPoint]
    overdispersion: Overdispersion | None


def funnel(units: Iterable[tuple[str, int, int]]) -> Funnel | None:
    """A funnel plot of units (name, numerator, denominator) around their pooled rate."""
    rows = [(name, x, n) for name, x, n in units if n > 0]
    total_n = sum(n for _, _, n in rows)
    if not rows or total_n == 0:
        return None
    p0 = sum(x for _, x, _ in rows) / total_n
    points = []
    for name, x, n in rows:
        limits = funnel_limits(p0, n)
        rate = x / n
        se = math.sqrt(p0 * (1 - p0) / n)
        z = (rate - p0) / se if se > 0 else 0.0
        points.append(UnitPoint(name, x, n, rate, z, limits,
                                outside95=rate < limits.lower95 or rate > limits.upper95,
                                outside998=rate < limits.lower998 or rate > limits.upper998))
    return Funnel(p0, points, overdispersion(p0, [(x, n) for _, x, n in rows]))


def overdispersion(p0: float, counts: Sequence[tuple[int, int]]) -> Overdispersion | None:
    """Does the variation between units exceed chance? Spiegelhalter's test: φ = Σ z_i² / I,
    I·φ against χ² with I-1 degrees of freedom; τ² by the method of moments (0 if φ ≤ 1)."""
    units = len(counts)
    if units < 2 or p0 <= 0 or p0 >= 1:
        return None
    chi2 = 0.0
    weights = []
    for x, n in counts:
        variance = p0 * (1 - p0) / n
        chi2 += (x / n - p0) ** 2 / variance
        weights.append(1 / variance)
    df = units - 1
    phi = chi2 / units
    w_sum = sum(weights)
    denominator = w_sum - sum(w * w for w in weights) / w_sum
    tau2 = max(0.0, (chi2 - df) / denominator) if denominator > 0 else 0.0
    return Overdispersion(units, chi2, df, phi, chi2_sf(chi2, df), tau2)


def chi2_sf(x: float, df: int) -> float:
    """P(X ≥ x) for X ~ χ²(df): the regularised upper incomplete gamma Q(df/2, x/2)."""
    if x <= 0:
        return 1.0
    return _gamma_q(df / 2.0, x / 2.0)


def _gamma_q(a: float, x: float) -> float:
    # Numerical Recipes (2007) §6.2: a series below a+1, a continued fraction above.
    if x < a + 1:
        term = total = 1.0 / a
        ap = a
        for _ in range(10_000):
            ap += 1
            term *= x / ap
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return max(0.0, 1.0 - total * math.exp(-x + a * math.log(x) - math.lgamma(a)))
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return math.exp(-x + a * math.log(x) - math.lgamma(a)) * h
