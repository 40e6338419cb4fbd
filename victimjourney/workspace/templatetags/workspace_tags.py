"""Template filters of the workspace."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from victimjourney.duties import recorded as recorded_text
from victimjourney.duties.recorded import shown

register = template.Library()

# A duty's status as a GOV.UK tag: its words and the tag's colour modifier.
STATUS_TAGS = {
    "breached": (gettext_noop("Breached"), " govuk-tag--red"),
    "late": (gettext_noop("Late"), " govuk-tag--orange"),
    "met": (gettext_noop("Met"), " govuk-tag--green"),
    "open": (gettext_noop("Open"), ""),
}
OTHER_STATUS = (gettext_noop("Not applicable"), " govuk-tag--grey")


@register.filter
def status_tag(status: str) -> SafeString:
    """The status as a tag (a filter, not an include: "My duties" shows one per row)."""
    words, modifier = STATUS_TAGS.get(status, OTHER_STATUS)
    return format_html('<strong class="govuk-tag{}">{}</strong>', modifier, _(words))


@register.filter
def recorded(text: str) -> str:
    """A sentence the engine recorded (a duty's reason, a category's reason), in the page's
    language (`duties.recorded.shown`); other text as recorded."""
    return shown(text or "")


@register.filter
def category_label(code: str) -> str:
    return recorded_text.category_label(code)


@register.filter
def category_state(state: str) -> str:
    return recorded_text.category_state(state)


@register.filter
def category_source(source: str) -> str:
    return recorded_text.category_source(source)


@register.filter
def category_labels(codes: list[str]) -> str:
    """Categories (codes) as their labels in the active language, comma-separated."""
    return ", ".join(recorded_text.category_label(code) for code in codes)
