from django import forms
from django.utils.translation import gettext_lazy as _


class SubjectAccessForm(forms.Form):
    reference = forms.CharField(label=_("Crime reference number"), max_length=100)
    victim = forms.CharField(label=_("Victim's key on the case"), max_length=100,
                             help_text=_("For example V1"))
    format = forms.ChoiceField(label=_("File"), choices=[
        ("pdf", _("PDF, to send to the person")), ("json", _("JSON, the full record"))],
        widget=forms.RadioSelect, initial="pdf")
