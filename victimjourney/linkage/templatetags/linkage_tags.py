from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: dict, key: str) -> Any:
    """A dictionary's value by a key held in a variable: {{ labels|get:item.field }}."""
    return mapping.get(key, key)
