from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from victimjourney.inspection import registry

register = template.Library()


@register.filter
def pct(value: float | None, places: int = 1) -> str:
    """0.448 -> '44.8%'; None -> '–' (no denominator)."""
    if value is None:
        return "–"
    return f"{value * 100:.{places}f}%"


@register.filter
def interval(count: Any) -> str:
    found = count.interval
    if not found:
        return "–"
    return _("%(low)s to %(high)s") % {"low": f"{found[0] * 100:.1f}%",
                                       "high": f"{found[1] * 100:.1f}%"}


@register.filter
def translated(text: str) -> str:
    """Words of the metric registry (a title, a numerator or denominator in words, an outcome,
    a stage, a dimension, a position against the limits) in the page's language."""
    return registry.translated(text)


@register.filter
def lookup(mapping: dict, key: str) -> Any:
    return mapping.get(key, key)


@register.filter
def pvalue(value: float | None) -> str:
    """A P value as people read it: '< 0.0001' rather than 1.3e-263."""
    if value is None:
        return "–"
    return "< 0.0001" if value < 0.0001 else f"{value:.4f}"
