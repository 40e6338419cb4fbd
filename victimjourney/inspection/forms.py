"""Forms of the inspection pages (GOV.UK markup is written in the templates)."""

from __future__ import annotations

from django import forms

from victimjourney.inspection.models import OUTCOMES
from victimjourney.inspection.registry import JUDGEMENT_FINDINGS


class SampleForm(forms.Form):
    name = forms.CharField(max_length=200, label="Name of the sample")
    seed = forms.IntegerField(min_value=0, label="Random seed",
                              help_text="The same seed draws the same files again.")
    per_stratum = forms.IntegerField(min_value=1, max_value=500, initial=20,
                                     label="Files per police force")
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False,
                              label="Cases reported in (year)")
    finding = forms.ChoiceField(required=False, label="Read for the finding",
                                choices=[("", "Any")] + [
                                    (m.id, m.title) for m in JUDGEMENT_FINDINGS.values()])


class JudgementForm(forms.Form):
    finding = forms.ChoiceField(label="Finding",
                                choices=[(m.id, m.title) for m in JUDGEMENT_FINDINGS.values()])
    outcome = forms.ChoiceField(label="Judgement", choices=OUTCOMES,
                                widget=forms.RadioSelect)
    subject = forms.CharField(max_length=200, required=False, label="Event judged (optional)",
                              help_text="The id of the event judged, e.g. the cancellation.")
    notes = forms.CharField(required=False, label="Notes",
                            widget=forms.Textarea(attrs={"rows": 4}))


class JudgementImportForm(forms.Form):
    file = forms.FileField(label="CSV file of judgements",
                           help_text="Columns: case, finding, outcome (fully, partially, "
                                     "not_met), and optionally subject, notes, inspector.")
