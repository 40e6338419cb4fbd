from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _


class _GovForm(forms.Form):
    submit_label = _("Continue")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class SignInForm(_GovForm):
    reference = forms.CharField(label=_("Crime reference number"), max_length=100,
                                help_text=_("It is on the letter or message the police sent "
                                            "you."))
    contact = forms.CharField(label=_("Email address or mobile phone number"), max_length=200,
                              help_text=_("The one you gave the police. We will send a code "
                                          "to it."))


class CodeForm(_GovForm):
    submit_label = _("Sign in")
    code = forms.CharField(label=_("Code"), max_length=12,
                           help_text=_("The 6-digit code we sent you"),
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                         "inputmode": "numeric",
                                                         "class": "govuk-input--width-5"}))


class MessageForm(_GovForm):
    submit_label = _("Send message")
    text = forms.CharField(label=_("Your message"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 5}))


CHANNELS = [("email", _("Email")), ("sms", _("Text message")), ("letter", _("Letter")),
            ("phone", _("Phone call")), ("portal", _("Only in this service"))]


class PreferencesForm(_GovForm):
    submit_label = _("Save")
    channel = forms.ChoiceField(label=_("How should we contact you?"), choices=CHANNELS,
                                widget=forms.RadioSelect)
    contact_times = forms.CharField(label=_("When is it safe to contact you?"), required=False,
                                    max_length=200)
    safe_contact = forms.CharField(label=_("Anything else we should know to contact you "
                                           "safely"), required=False, max_length=500)
    language = forms.ChoiceField(label=_("Language"), choices=[("en", "English"),
                                                               ("cy", "Cymraeg")],
                                 widget=forms.RadioSelect)


class UpdatesForm(_GovForm):
    submit_label = _("Save")
    updates = forms.ChoiceField(label=_("Do you want updates about your case?"),
                                choices=[("yes", _("Yes")), ("no", _("No"))],
                                widget=forms.RadioSelect)
    vcs = forms.ChoiceField(label=_("Do you want to be in the Victim Contact Scheme (news "
                                    "about the offender's sentence and release)?"),
                            choices=[("yes", _("Yes")), ("no", _("No")),
                                     ("", _("Not applicable or not decided"))],
                            widget=forms.RadioSelect, required=False)


class VpsForm(_GovForm):
    submit_label = _("Send my statement")
    statement = forms.CharField(label=_("Your Victim Personal Statement"), max_length=10000,
                                widget=forms.Textarea(attrs={"rows": 10}),
                                help_text=_("How the crime has affected you: physically, "
                                            "emotionally, financially, or in any other way."))
    reading_preference = forms.ChoiceField(
        label=_("If the case goes to court, how would you like it used?"),
        choices=[("read_by_victim", _("I would like to read it out myself")),
                 ("read_for_victim", _("I would like someone to read it for me")),
                 ("played", _("I would like a recording of me to be played")),
                 ("not_read", _("I do not want it read aloud"))],
        widget=forms.RadioSelect)


class ReviewForm(_GovForm):
    submit_label = _("Ask for a review")
    decision = forms.ChoiceField(label=_("Which decision do you want reviewed?"),
                                 widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("Why do you want it reviewed? (optional)"), required=False,
                              max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


class ComplaintForm(_GovForm):
    submit_label = _("Make the complaint")
    about = forms.ChoiceField(label=_("Which organisation is your complaint about?"),
                              widget=forms.RadioSelect)
    text = forms.CharField(label=_("What went wrong?"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["about"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


class RatingForm(_GovForm):
    submit_label = _("Send")
    rating = forms.ChoiceField(
        label=_("How satisfied are you with this service?"),
        choices=[("5", _("Very satisfied")), ("4", _("Satisfied")),
                 ("3", _("Neither satisfied nor dissatisfied")), ("2", _("Dissatisfied")),
                 ("1", _("Very dissatisfied"))], widget=forms.RadioSelect)
