"""Intervals, funnel limits and the overdispersion test against values computed by hand (or
published: Newcombe, Statistics in Medicine 1998;17:857-872, table I, method 3)."""

import math

import pytest

from victimjourney.inspection.stats import chi2_sf, funnel, funnel_limits, overdispersion, wilson


@pytest.mark.parametrize(("x", "n", "low", "high"), [
    (81, 263, 0.2553, 0.3662),  # Newcombe's examples
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
    (13, 29, 0.2841, 0.6245),  # the seed's Gwent letters on time
])
def test_wilson_intervals_match_published_values(x, n, low, high):
    lo, hi = wilson(x, n)
    assert (round(lo, 4), round(hi, 4)) == (low, high)


def test_no_interval_without_a_denominator():
    assert wilson(0, 0) is None


def test_funnel_limits_are_p0_plus_or_minus_z_standard_errors():
    # p0 = 0.5, n = 100: standard error 0.05; z = 1.959964 and 3.090232.
    limits = funnel_limits(0.5, 100)
    assert round(limits.lower95, 6) == 0.402002
    assert round(limits.upper95, 6) == 0.597998
    assert round(limits.lower998, 6) == 0.345488
    assert round(limits.upper998, 6) == 0.654512


def test_funnel_limits_are_clipped_to_zero_and_one():
    limits = funnel_limits(0.95, 10)
    assert limits.upper95 == 1.0
    assert limits.upper998 == 1.0
    assert round(limits.lower998, 4) == round(0.95 - 3.090232 * math.sqrt(0.95 * 0.05 / 10), 4)


def test_three_forces_far_apart_are_overdispersed_with_hand_computed_figures():
    # 30/100, 50/100, 70/100 around p0 = 0.5: z = -4, 0, +4; chi2 = 32 on 2 df;
    # phi = 32/3; P = exp(-16); tau2 = (32 - 2) / (1200 - 480000/1200) = 0.0375.
    result = funnel([("a", 30, 100), ("b", 50, 100), ("c", 70, 100)])
    assert result is not None
    assert result.p0 == 0.5
    assert [round(p.z, 6) for p in result.points] == [-4.0, 0.0, 4.0]
    assert [p.position for p in result.points] == [
        "below 99.8% limit", "within limits", "above 99.8% limit"]
    od = result.overdispersion
    assert od is not None
    assert (od.units, od.df) == (3, 2)
    assert round(od.chi2, 9) == 32
    assert round(od.phi, 6) == round(32 / 3, 6)
    assert math.isclose(od.p_value, math.exp(-16), rel_tol=1e-9)
    assert round(od.tau2, 9) == 0.0375
    assert od.overdispersed


def test_variation_within_chance_is_not_overdispersed():
    # 48/100 and 52/100: z = -0.4, +0.4; chi2 = 0.32 on 1 df; P = 2(1 - Phi(sqrt 0.32)).
    od = overdispersion(0.5, [(48, 100), (52, 100)])
    assert od is not None
    assert round(od.chi2, 9) == 0.32
    expected = math.erfc(math.sqrt(0.32) / math.sqrt(2))
    assert math.isclose(od.p_value, expected, rel_tol=1e-9)
    assert od.tau2 == 0
    assert not od.overdispersed


@pytest.mark.parametrize(("x", "df"), [(3.841459, 1), (5.991465, 2), (18.307038, 10),
                                       (124.342113, 100)])
def test_chi_square_upper_tail_at_the_5_percent_critical_values(x, df):
    assert round(chi2_sf(x, df), 6) == 0.05


def test_funnel_ignores_units_without_a_denominator():
    result = funnel([("a", 0, 0), ("b", 5, 10)])
    assert result is not None
    assert [p.name for p in result.points] == ["b"]
    assert result.overdispersion is None  # one unit: nothing to compare
