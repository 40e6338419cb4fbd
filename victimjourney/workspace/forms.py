"""Recording forms, one per kind of journey event, generated from the event catalogue.

Every form becomes one journey event written through `duties.services.feed_import`, the path
the feed import uses, so a form can never record what a feed could not.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from victimjourney.core.clock import LONDON
from victimjourney.journey.catalogue import EVENT_TYPES, STAGES, Field
from victimjourney.workspace.questionnaires import PROPOSED_CATEGORIES, QUESTIONNAIRES

# Types recorded through a dedicated form or not by staff at all.
NOT_RECORDED_HERE = {"correction.recorded"}

LABELS = {
    "offence": _("Offence"), "offence_group": _("Offence group"), "channel": _("Channel"),
    "domestic_abuse": _("Domestic abuse"), "hate": _("Hate crime strands"),
    "sexual_offence": _("Sexual offence"), "death": _("A death was caused"),
    "kind": _("Kind of victim"), "name": _("Name"), "date_of_birth": _("Date of birth"),
    "category": _("Category"), "reason": _("Reason"), "state": _("State"),
    "answers": _("Which event does this contact answer?"), "summary": _("What was said"),
    "decision": _("Decision"), "disposal": _("Disposal"), "verdict": _("Verdict"),
    "custodial_months": _("Custodial months"),
}


Choices = list[tuple[str, Any]]
# ISO format whatever the language: a date input only accepts YYYY-MM-DD values.
DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={
    "type": "date", "class": "govuk-input govuk-input--width-10"})


def _choices(values: tuple[str, ...]) -> Choices:
    return [(v, CHOICE_LABELS.get(v, v.replace("_", " ").capitalize())) for v in values]


# Labels for the catalogue's choices, translated when the form is shown.
CHOICE_LABELS = {
    "recording_centre": _("Crime recording centre"), "call_handling": _("Call handling"),
    "specialist_system": _("Specialist system"), "online": _("Online"),
    "in_person": _("In person"), "disability": _("Disability"), "race": _("Race"),
    "religion": _("Religion"), "sexual_orientation": _("Sexual orientation"),
    "transgender": _("Transgender"), "person": _("Person"), "business": _("Business"),
    "bereaved_close_relative": _("Bereaved close relative"),
    "parent_or_guardian": _("Parent or guardian"),
    "family_spokesperson": _("Family spokesperson"), "vulnerable": _("Vulnerable"),
    "intimidated": _("Intimidated"), "persistently_targeted": _("Persistently targeted"),
    "most_serious_crime": _("Victim of the most serious crime"), "applies": _("Applies"),
    "declined": _("Declined by the victim"), "removed": _("Removed"),
    "letter": _("Letter"), "email": _("Email"), "sms": _("Text message"), "phone": _("Phone"),
    "portal": _("Victim portal"), "charge": _("Charge"),
    "no_further_action": _("No further action"), "alter_charge": _("Alter the charge"),
    "discontinue": _("Discontinue"),
    "accept_plea_other_charge": _("Accept a plea to another charge"),
    "offer_no_evidence": _("Offer no evidence"), "caution": _("Caution"),
    "conditional_caution": _("Conditional caution"), "penalty_notice": _("Penalty notice"),
    "community_resolution": _("Community resolution"), "youth_caution": _("Youth caution"),
    "guilty": _("Guilty"), "not_guilty": _("Not guilty"), "mixed": _("Guilty of some charges"),
    "police": _("Police"), "cps": _("Crown Prosecution Service"),
    "special_measures": _("Special measures"), "intermediary": _("Registered intermediary"),
    "interpreter": _("Interpreter"), "safe_contact": _("Safe contact only"),
    "do_not_send_letters": _("Do not send letters to this address"), "other": _("Other"),
    "standard": _("Standard"), "medium": _("Medium"), "high": _("High"),
    "acknowledgement": _("Acknowledgement"), "full_response": _("Full response"),
    "upheld": _("Decision upheld"), "overturned": _("Decision overturned"),
    "resolved_locally": _("Resolved locally"), "varied": _("Varied"), "cancelled": _("Cancelled"),
    "read_by_victim": _("Read by the victim"), "read_for_victim": _("Read for the victim"),
    "played": _("Played as a recording"), "not_read": _("Not read aloud"),
    "no_suspect_identified": _("No suspect identified"),
    "evidential_difficulties": _("Evidential difficulties"),
    "victim_does_not_support": _("The victim does not support action"),
    "not_in_public_interest": _("Not in the public interest"),
    "decision_not_to_investigate": _("Decision not to investigate"),
    "en": _("English"), "cy": _("Welsh"),
}


def _form_field(name: str, spec: Field, event_choices: list[tuple[str, str]],
                victim_choices: list[tuple[str, str]]) -> forms.Field:
    label = LABELS.get(name, name.replace("_", " ").capitalize())
    required = spec.required
    help_text = _(spec.doc) if spec.doc else ""
    if spec.kind == "bool":
        return forms.BooleanField(label=label, required=False, help_text=help_text)
    if spec.kind == "int":
        return forms.IntegerField(label=label, required=required, min_value=0,
                                  help_text=help_text)
    if spec.kind == "date":
        return forms.DateField(label=label, required=required,
                               help_text=help_text or _("For example, 27 3 2007"),
                               widget=DATE_WIDGET)
    if spec.kind == "enum":
        choices = _choices(spec.choices)
        if not required:
            choices = [("", _("Not stated")), *choices]
        return forms.ChoiceField(label=label, choices=choices, required=required,
                                 help_text=help_text)
    if spec.kind == "list" and spec.items == "enum":
        return forms.MultipleChoiceField(label=label, choices=_choices(spec.choices),
                                         required=required, help_text=help_text,
                                         widget=forms.CheckboxSelectMultiple)
    if spec.kind == "list":
        return forms.CharField(label=label, required=required, widget=forms.Textarea(
            attrs={"rows": 3}), help_text=help_text or _("One item a line"))
    if spec.kind == "event_ref":
        return forms.ChoiceField(label=label, choices=[("", _("Choose an event")),
                                                       *event_choices],
                                 required=required, help_text=help_text)
    if spec.kind == "victim_ref":
        return forms.ChoiceField(label=label, choices=[("", _("None")), *victim_choices],
                                 required=required, help_text=help_text)
    if spec.kind == "object":
        return forms.CharField(label=label, required=required, widget=forms.Textarea(
            attrs={"rows": 3}), help_text=help_text or _("Notes"))
    return forms.CharField(label=label, required=required, max_length=500, help_text=help_text)


class EventForm(forms.Form):
    """A form for one event type; `to_feed_line` turns it into a feed line."""

    def __init__(self, *args: Any, event_type: str, victims: list[tuple[str, str]],
                 events: list[tuple[str, str]], new_victim_key: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.event_type = EVENT_TYPES[event_type]
        self.new_victim_key = new_victim_key
        now = dt.datetime.now(tz=LONDON)
        self.fields["occurred_on"] = forms.DateField(
            label=_("Date it happened"), initial=now.date(),
            widget=DATE_WIDGET)
        self.fields["occurred_time"] = forms.TimeField(
            label=_("Time it happened"), initial=now.strftime("%H:%M"),
            widget=forms.TimeInput(format="%H:%M", attrs={
                "type": "time", "class": "govuk-input govuk-input--width-5"}))
        if event_type != "victim.identified" and victims:
            choices: Choices = list(victims)
            if not self.event_type.victim_specific:
                choices = [("", _("Every victim on the case")), *choices]
            self.fields["victim"] = forms.ChoiceField(
                label=_("Victim"), choices=choices, required=self.event_type.victim_specific)
        self.questions = QUESTIONNAIRES.get(event_type, ())
        for name, spec in self.event_type.fields.items():
            if name in ("contact", "set_by", "cleared_by"):  # filled from the signed-in user
                continue
            if name in ("answers", "specialist_support_needed", "enhanced_eligible") and (
                    self.questions):
                continue  # asked as the questionnaire below
            self.fields[name] = _form_field(name, spec, events, victims)
        for question in self.questions:
            if question.kind == "yesno":
                self.fields[f"q_{question.id}"] = forms.ChoiceField(
                    label=question.text, help_text=question.hint, required=True,
                    choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect)
            else:
                self.fields[f"q_{question.id}"] = forms.CharField(
                    label=question.text, help_text=question.hint, required=False,
                    max_length=500)
        if event_type == "victim.identified":
            self.fields["email"] = forms.EmailField(label=_("Email address"), required=False)
            self.fields["phone"] = forms.CharField(label=_("Phone number"), required=False,
                                                   max_length=40)
            self.fields["address"] = forms.CharField(label=_("Address"), required=False,
                                                     widget=forms.Textarea(attrs={"rows": 3}))
            self.fields["safe_contact"] = forms.CharField(
                label=_("Safe-contact notes"), required=False,
                help_text=_("How and when it is safe to contact the victim"))
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        on, at = data.get("occurred_on"), data.get("occurred_time")
        if on and at:
            occurred = dt.datetime.combine(on, at, tzinfo=LONDON)
            if occurred > dt.datetime.now(tz=LONDON) + dt.timedelta(minutes=5):
                self.add_error("occurred_on", _("The date and time must not be in the future"))
        return data

    def to_feed_line(self, *, event_id: str, case: str, provider: str) -> dict[str, Any]:
        data: dict[str, Any] = {}
        cleaned = self.cleaned_data
        for name, spec in self.event_type.fields.items():
            value = cleaned.get(name)
            if name == "contact" or value in (None, "", []):
                continue
            if spec.kind == "date":
                value = value.isoformat()
            elif spec.kind == "list" and spec.items != "enum":
                value = [line.strip() for line in str(value).splitlines() if line.strip()]
            elif spec.kind == "object":
                value = {"notes": value}
            data[name] = value
        if self.questions:
            answers = {q.id: cleaned.get(f"q_{q.id}", "") for q in self.questions}
            data["answers"] = answers
            if "specialist_support_needed" in self.event_type.fields:
                data["specialist_support_needed"] = answers.get("specialist_support") == "yes"
                data["enhanced_eligible"] = any(answers.get(q) == "yes"
                                                for q in PROPOSED_CATEGORIES)
        if self.event_type.name == "victim.identified":
            contact = {k: cleaned[k] for k in ("email", "phone", "address", "safe_contact")
                       if cleaned.get(k)}
            if contact:
                data["contact"] = contact
        occurred = dt.datetime.combine(cleaned["occurred_on"], cleaned["occurred_time"],
                                       tzinfo=LONDON)
        line: dict[str, Any] = {"id": event_id, "type": self.event_type.name, "case": case,
                                "provider": provider, "occurred_at": occurred.isoformat()}
        victim = (self.new_victim_key if self.event_type.name == "victim.identified"
                  else cleaned.get("victim"))
        if victim:
            line["victim"] = victim
        line["data"] = data
        return line


def proposed_categories(line: dict[str, Any], *, confirmed_by: str) -> list[dict[str, Any]]:
    """`victim.categorised` lines for the categories a needs assessment's answers show.

    The person recording the assessment confirms them by saving it (victims-code.md §1.3:
    "the final decision ... is the responsibility of the relevant service provider").
    """
    if line["type"] not in QUESTIONNAIRES:
        return []
    answers = line.get("data", {}).get("answers") or {}
    seen: set[str] = set()
    out = []
    for question, (category, reason) in PROPOSED_CATEGORIES.items():
        if answers.get(question) != "yes" or category in seen or not line.get("victim"):
            continue
        seen.add(category)
        out.append({"id": f"{line['id']}-{category}", "type": "victim.categorised",
                    "case": line["case"], "provider": line["provider"],
                    "occurred_at": line["occurred_at"], "victim": line["victim"],
                    "data": {"category": category, "reason": str(reason),
                             "confirmed_by": confirmed_by}})
    return out


def recordable_types() -> list[tuple[str, str]]:
    out = []
    for stage in (1, 2, 3, 4, 5, 6, 7, 8, 0):
        for t in EVENT_TYPES.values():
            if t.stage == stage and t.name not in NOT_RECORDED_HERE:
                out.append((t.name, f"{gettext(STAGES[stage]).capitalize()}: {gettext(t.doc)}"))
    return out


class NewCaseForm(forms.Form):
    reference = forms.CharField(label=_("Crime reference number"), max_length=100)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Continue")))
