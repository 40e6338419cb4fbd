"""Forms of the inspection pages (GOV.UK markup is written in the templates)."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from victimjourney.inspection.models import OUTCOMES
from victimjourney.inspection.registry import JUDGEMENT_FINDINGS, translated

# A finding's title in the language of the page the form is shown on.
_title = lazy(translated, str)


def _findings() -> list[tuple[str, str]]:
    return [(m.id, _title(m.title)) for m in JUDGEMENT_FINDINGS.values()]


class SampleForm(forms.Form):
    name = forms.CharField(max_length=200, label=_("Name of the sample"))
    seed = forms.IntegerField(min_value=0, label=_("Random seed"),
                              help_text=_("The same seed draws the same files again."))
    per_stratum = forms.IntegerField(min_value=1, max_value=500, initial=20,
                                     label=_("Files per police force"))
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False,
                              label=_("Cases reported in (year)"))
    finding = forms.ChoiceField(required=False, label=_("Read for the finding"),
                                choices=[("", _("Any")), *_findings()])


class JudgementForm(forms.Form):
    finding = forms.ChoiceField(label=_("Finding"), choices=_findings())
    outcome = forms.ChoiceField(label=_("Judgement"), choices=OUTCOMES,
                                widget=forms.RadioSelect)
    subject = forms.CharField(max_length=200, required=False,
                              label=_("Event judged (optional)"),
                              help_text=_("The id of the event judged, e.g. the cancellation."))
    notes = forms.CharField(required=False, label=_("Notes"),
                            widget=forms.Textarea(attrs={"rows": 4}))


class JudgementImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file of judgements"),
                           help_text=_("Columns: case, finding, outcome (fully, partially, "
                                       "not_met), and optionally subject, notes, inspector."))
