"""Template filters of the workspace."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

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
