"""The linkage pages' forms: the first-contact look-up and the two decisions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from victimjourney.linkage.normalise import LinkInput

INPUT = {"class": "govuk-input"}


class FirstContactForm(forms.Form):
    """Who is reporting, as the call handler has it so far (only the name is required)."""

    name = forms.CharField(label=_("Full name"), max_length=200,
                           widget=forms.TextInput(attrs={**INPUT, "autocomplete": "off"}))
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={
            "type": "date", "class": "govuk-input govuk-input--width-10"}))
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False,
                               widget=forms.TextInput(attrs={
                                   "class": "govuk-input govuk-input--width-10"}))
    address = forms.CharField(label=_("Address"), max_length=300, required=False,
                              widget=forms.TextInput(attrs=INPUT))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={
                                "class": "govuk-input govuk-input--width-20", "type": "tel"}))
    email = forms.EmailField(label=_("Email"), required=False,
                             widget=forms.EmailInput(attrs=INPUT))

    def link_input(self) -> LinkInput:
        data = self.cleaned_data
        return LinkInput(name=data["name"], date_of_birth=data.get("date_of_birth"),
                         address=data.get("address", ""), postcode=data.get("postcode", ""),
                         phone=data.get("phone", ""), email=data.get("email", ""))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Are these the same person?"), widget=forms.RadioSelect,
                                 choices=[("confirmed", _("Yes, the same person")),
                                          ("rejected", _("No, different people"))])
    reason = forms.CharField(label=_("Reason"), max_length=2000,
                             widget=forms.Textarea(attrs={"class": "govuk-textarea",
                                                          "rows": 3}))


class ProposalForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Is this victim persistently targeted?"), widget=forms.RadioSelect,
        choices=[("confirmed", _("Yes: record the category (enhanced entitlements apply)")),
                 ("declined", _("No: do not record the category"))])
    reason = forms.CharField(label=_("Reason"), max_length=2000,
                             widget=forms.Textarea(attrs={"class": "govuk-textarea",
                                                          "rows": 3}))
