"""The words of every kind of notice, in English and Welsh, from the one case record."""

import re

import pytest

from tests.notifications.conftest import EVERYTHING, case_import, event
from victimjourney.letters.content import letter_facts
from victimjourney.notifications.content import notice_content
from victimjourney.notifications.kinds import KINDS
from victimjourney.organisations.selectors import organisation_refs

pytestmark = pytest.mark.django_db

R = "KEN/40/26"
SAMPLES = {  # kind: (event type, data)
    "crime_recorded": ("crime.reported", {"offence": "burglary"}),
    "arrested": ("suspect.arrested", {}),
    "interviewed": ("suspect.interviewed", {}),
    "bailed": ("suspect.bailed", {"conditions": ["not to enter Maidstone"]}),
    "released_rui": ("suspect.released_under_investigation", {}),
    "released_nfa": ("suspect.released_no_further_action", {"reason": "no evidence"}),
    "investigation_closed": ("investigation.closed", {"reason": "no_suspect_identified"}),
    "charged": ("suspect.charged", {"charges": ["burglary"]}),
    "decision": ("cps.decision", {"decision": "no_further_action"}),
    "ooc_disposal": ("ooc_disposal.issued", {"disposal": "conditional_caution"}),
    "hearing": ("hearing.listed", {"hearing_at": "2026-12-14T10:00:00+00:00"}),
    "verdict": ("verdict.given", {"verdict": "guilty"}),
    "sentence": ("sentence.passed", {"disposal": "imprisonment", "custodial_months": 18}),
    "appeal": ("appeal.hearing_listed", {"hearing_at": "2027-02-01T10:00:00+00:00"}),
    "vcs": ("sentence.passed", {"disposal": "imprisonment", "custodial_months": 30}),
    "complaint_ack": ("complaint.received", {"about": "police:kent"}),
    "portal_invitation": (None, {}),
    "one_time_code": (None, {}),
}
EXTRA = {"response_days": 20, "link": "https://portal.example/i/abc", "days": 14,
         "code": "493021", "minutes": 10}


@pytest.fixture
def record(now):
    events = [event(R, kind, etype, "2026-11-25 10:00", **data)
              for kind, (etype, data) in SAMPLES.items()
              if etype and etype != "crime.reported"]
    case = case_import(R, contact=EVERYTHING, name="Sam Jones", events=tuple(events))
    return case, case.victims.get(key="V1")


def render(case, victim, kind, language, sender="police:kent"):
    etype, _ = SAMPLES[kind]
    victim.language = language
    ev = None
    if etype == "crime.reported":
        ev = case.events.get(type="crime.reported")
    elif etype:
        ev = case.events.get(id=f"{R}-{kind}")
    return notice_content(kind=KINDS[kind], case=case, victim=victim, event=ev,
                          sender=organisation_refs()[sender], extra=EXTRA)


def test_every_kind_has_a_sample():
    assert set(SAMPLES) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_every_kind_renders_in_english_and_welsh(record, kind):
    case, victim = record
    english, welsh = render(case, victim, kind, "en"), render(case, victim, kind, "cy")
    for content in (english, welsh):
        assert content.title and content.body and content.alert_text
        assert "{{" not in content.body + content.alert_text and "{%" not in content.body
    assert english.title != welsh.title
    assert english.body != welsh.body
    assert (english.language, welsh.language) == ("en", "cy")
    if KINDS[kind].private:
        assert english.body.startswith(f"{english.title}\n\nDear Sam Jones,")
        assert welsh.body.startswith(f"{welsh.title}\n\nAnnwyl Sam Jones,")
        assert english.body.endswith("Yours sincerely,\nKent Police")
        assert welsh.body.endswith("Yn gywir,\nKent Police")
        # Email and SMS never carry a detail of the case.
        for content in (english, welsh):
            for detail in (R, "Sam Jones", "burglary", "assault", "2026"):
                assert detail not in content.alert_subject + content.alert_text
        assert english.alert_subject == "An update about your case"
        assert welsh.alert_subject == "Diweddariad am eich achos"


def test_codes_and_invitations_say_only_what_they_are_for(record):
    case, victim = record
    code = render(case, victim, "one_time_code", "en")
    assert code.alert_text == ("Your security code is 493021. It expires in 10 minutes. Do not "
                               "share this code with anyone. We will never phone you to ask "
                               "for it.")
    welsh = render(case, victim, "portal_invitation", "cy")
    assert welsh.alert_subject == "Gallwch ddilyn eich achos ar-lein"
    assert "https://portal.example/i/abc" in welsh.alert_text
    assert R not in welsh.alert_text


def test_the_sentence_is_explained(record):
    case, victim = record
    body = render(case, victim, "sentence", "en").body
    assert "Sentence: imprisonment" in body
    assert "Length of custody: 18 months" in body
    assert ("What it means: the offender will serve part of the sentence in prison and the "
            "rest in the community on licence") in body
    assert "Victim Contact Scheme" in body  # the right that follows a long sentence


def facts(body):
    return [line for line in body.splitlines() if re.match(r"^[^:]{3,40}: ", line)
            and not line.startswith(("What it means", "The reason"))]


def test_the_cps_and_the_witness_care_unit_state_the_same_facts_about_a_decision(record):
    case, victim = record
    cps = render(case, victim, "decision", "en", sender="cps:south-east")
    wcu = render(case, victim, "decision", "en", sender="wcu:kent")
    assert facts(cps.body) == facts(wcu.body) == [
        f"Crime reference: {R}", "Offence: assault occasioning actual bodily harm",
        "Date: 25 November 2026",
        "Decision: No further action: the case will not be prosecuted"]
    # ... the very facts of the printed letter, in Welsh too.
    event = case.events.get(id=f"{R}-decision")
    assert facts(cps.body) == [f"{f.label}: {f.value}" for f in letter_facts(case, event)]
    welsh = render(case, victim, "decision", "cy", sender="wcu:kent")
    assert facts(welsh.body)[0] == f"Cyfeirnod trosedd: {R}"
    assert cps.body.replace("CPS South East", "X") == wcu.body.replace(
        "Kent Witness Care Unit", "X")
