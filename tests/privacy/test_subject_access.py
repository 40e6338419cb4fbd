"""Subject access: everything held about the subject, nobody else's personal data, a readable
PDF, corrections shown, the export audited."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command

from tests.helpers import lines, raw
from tests.privacy.conftest import G3, IMPORTED
from victimjourney.accounts.services import staff_create
from victimjourney.audit.models import AuditEntry
from victimjourney.audit.services import audit_record
from victimjourney.core import clock
from victimjourney.duties.services import feed_import
from victimjourney.privacy.access import subject_access_collect, subject_access_export
from victimjourney.privacy.redact import THIRD_PARTY, People, Redactor

SECOND_VICTIM = ("Bob Other", "Bob", "bob@example.net", "07700 900002", "2 Low Road",
                 "CT16 1AA", "1975-02-02")
STAFF = ("Jane Officer", "Sam Staff", "Dee Reviewer", "kent.officer")


@pytest.fixture
def reads(cases, settings):
    """A staff member's reads of the case (one of the other victim's record), a portal sign-in."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    with clock.frozen(IMPORTED):
        user = staff_create(username="kent.officer", password="correct horse battery",
                            organisation="police:kent", role="investigating_officer")
        audit_record(user=user, action="view_case", case_reference=G3, victim_key="",
                     detail="opened by kent.officer")
        audit_record(user=user, action="view_victim", case_reference=G3, victim_key="V2",
                     detail="Bob Other's record")
        audit_record(user=None, action="portal_sign_in", case_reference=G3, victim_key="V1")


@pytest.fixture
def document(reads):
    """The document as collected (no files): what the JSON holds."""
    with clock.frozen(IMPORTED + dt.timedelta(days=1)):
        return None, subject_access_collect(reference=G3, victim_key="V1")


@pytest.fixture
def export(reads, tmp_path):
    """The files written by the export (JSON and PDF)."""
    with clock.frozen(IMPORTED + dt.timedelta(days=1)):
        paths = subject_access_export(reference=G3, victim_key="V1", out=tmp_path / "out")
    return paths, json.loads(paths["json"].read_text(encoding="utf-8"))


@pytest.mark.django_db
def test_export_holds_the_subjects_data_and_none_of_the_other_victims(document):
    _paths, doc = document
    assert doc["format"] == "victimjourney.subject-access/1"
    assert doc["subject"]["name"] == "Alice Example"
    assert doc["subject"]["date_of_birth"] == "1980-05-01"
    assert doc["subject"]["contact"]["email"] == "alice@example.org"
    ids = [e["id"] for e in doc["events"]]
    # Her own events and the case's; not Bob's identification nor the contact with Bob.
    assert ids == ["g3-1", "g3-2", "g3-4", "g3-5", "g3-6", "g3-7", "g3-9"]
    assert [c["category"] for c in doc["categories"]] == ["intimidated"]
    assert doc["duties"] and {d["status"] for d in doc["duties"]} <= {
        "open", "met", "late", "breached", "not_applicable"}
    assert doc["notices"] and all(n["body"] for n in doc["notices"])
    assert [c["channel"] for c in doc["portal"]["sign_in_codes"]] == ["email"]
    assert [a["action"] for a in doc["portal"]["activity"]] == ["portal_sign_in"]
    assert doc["linkage"]["record"]["surname"]
    assert [link["other_record"] for link in doc["linkage"]["links"]] == ["KEN/2/14"]
    assert doc["retention"]["schedule"] == "journey.group3"
    text = json.dumps(doc, ensure_ascii=False)
    for private in SECOND_VICTIM + STAFF:
        assert private not in text, private


@pytest.mark.django_db
def test_third_parties_in_free_text_are_redacted_and_her_own_details_kept(document):
    _paths, doc = document
    events = {e["id"]: e for e in doc["events"]}
    assert events["g3-5"]["data"]["summary"] == (
        f"Spoke to Alice; {THIRD_PARTY} ({THIRD_PARTY}) was there too")
    assert events["g3-5"]["data"]["answers"] == "g3-1"  # a reference, never rewritten
    assert events["g3-7"]["data"]["text"] == f"Call me on 07700 900001, not {THIRD_PARTY}"
    assert events["g3-6"]["data"]["officer"] == THIRD_PARTY
    assert events["g3-4"]["data"]["confirmed_by"] == THIRD_PARTY
    assert events["g3-4"]["data"]["reason"] == f"afraid of {THIRD_PARTY}'s friends"
    assert events["g3-2"]["data"]["contact"]["address"] == "1 High Street, Canterbury CT1 1AA"


@pytest.mark.django_db
def test_staff_in_the_audit_log_are_shown_by_role_and_organisation(document):
    _paths, doc = document
    reads = [(a["action"], a["by"]) for a in doc["audit"]]
    assert ("view_case", "Investigating officer, Kent Police") in reads
    # A read of the other victim's record is not hers.
    assert "view_victim" not in {a for a, _ in reads}
    assert ("view_case", "the system") in reads  # the fixture's test entry, no role


@pytest.mark.django_db
def test_the_export_is_audited_and_its_json_is_the_collected_document(export):
    _paths, doc = export
    with clock.frozen(IMPORTED + dt.timedelta(days=1)):
        again = subject_access_collect(reference=G3, victim_key="V1")
    assert again.pop("audit") == [*doc.pop("audit"), {
        "at": "2014-03-13T12:00:00+00:00", "action": "subject_access_export",
        "by": "the system", "detail": "json and pdf: 7 events, 7 duties, 1 notices"}]
    assert again == doc
    entry = AuditEntry.objects.order_by("-id").first()
    assert (entry.action, entry.case_reference, entry.victim_key, entry.actor_name) == (
        "subject_access_export", G3, "V1", "subject_access command")


@pytest.mark.django_db
def test_pdf_renders_with_the_subjects_name_and_no_one_elses(export):
    paths, _doc = export
    pdf = paths["pdf"].read_bytes()
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", str(paths["pdf"]), "-"], capture_output=True,
                          check=True, text=True).stdout
    assert "Alice Example" in text
    assert "Your personal data" in text
    assert "Bob Other" not in text and "bob@example.net" not in text


@pytest.mark.django_db
def test_the_pdf_is_in_the_subjects_own_language_whoever_exports_it(document):
    from django.utils import translation

    from victimjourney.privacy.access import subject_access_pdf

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    _paths, doc = document
    texts = {}
    for language in ("en", "cy"):
        welsh = {**doc, "subject": {**doc["subject"], "language": language}}
        with translation.override("en"):  # the administrator's page is in English
            pdf = subject_access_pdf(welsh)
        texts[language] = subprocess.run(["pdftotext", "-", "-"], input=pdf,
                                         capture_output=True, check=True).stdout.decode()
    assert "Your personal data" in texts["en"]
    assert "Eich data personol" in texts["cy"] and "Your personal data" not in texts["cy"]


@pytest.mark.django_db
def test_a_corrected_name_appears_corrected(cases):
    with clock.frozen(IMPORTED + dt.timedelta(days=2)):
        feed_import(lines=lines(raw(
            "g3-c1", "correction.recorded", "2014-03-13 09:00", case=G3, corrects="g3-2",
            reason="the victim asked for her name to be corrected",
            replacement={"data": {"name": "Alicia Example"}})), source="rectification")
        doc = subject_access_collect(reference=G3, victim_key="V1")
    assert doc["subject"]["name"] == "Alicia Example"
    identified = next(e for e in doc["events"] if e["id"] == "g3-2")
    assert identified["data"]["name"] == "Alice Example"  # as recorded, never edited
    assert identified["corrected_data"]["name"] == "Alicia Example"
    correction = next(e for e in doc["events"] if e["id"] == "g3-c1")
    assert correction["data"]["replacement"] == {"data": {"name": "Alicia Example"}}


@pytest.mark.django_db
def test_a_correction_of_another_victims_event_is_left_out(cases):
    with clock.frozen(IMPORTED + dt.timedelta(days=2)):
        feed_import(lines=lines(raw(
            "g3-c2", "correction.recorded", "2014-03-13 09:00", case=G3, corrects="g3-3",
            reason="misspelt", replacement={"data": {"name": "Robert Other"}})),
            source="rectification")
        doc = subject_access_collect(reference=G3, victim_key="V1")
    assert "g3-c2" not in [e["id"] for e in doc["events"]]
    assert "Robert" not in json.dumps(doc)


@pytest.mark.django_db
def test_command_writes_both_files_and_refuses_an_unknown_victim(cases, tmp_path, capsys):
    call_command("subject_access", "--case", G3, "--victim", "V1", "--out", str(tmp_path))
    assert (tmp_path / "subject-access.json").exists()
    assert (tmp_path / "subject-access.pdf").read_bytes().startswith(b"%PDF")
    assert "subject-access.pdf" in capsys.readouterr().out
    with pytest.raises(CommandError, match="no victim V9"):
        call_command("subject_access", "--case", G3, "--victim", "V9", "--out", str(tmp_path))


def test_redactor_keeps_the_subjects_own_details_and_redacts_patterns():
    people = People()
    people.add_own(name="Alice Example", contact={"email": "alice@example.org",
                                                  "phone": "+44 7700 900001",
                                                  "address": "1 High St, CT1 1AA"})
    people.add_other(name="Bob Other", contact={"address": "2 Low Road"}, born="1975-02-02")
    r = Redactor(people)
    assert r.text("alice@example.org / 07700900001 / CT1 1AA") == (
        "alice@example.org / 07700900001 / CT1 1AA")
    assert r.text("x@y.com, 020 7946 0000, SW1A 1AA, Bob (born 1975-02-02) at 2 Low Road") == (
        f"{THIRD_PARTY}, {THIRD_PARTY}, {THIRD_PARTY}, {THIRD_PARTY} (born {THIRD_PARTY}) at "
        f"{THIRD_PARTY}")
    # A first name alone is redacted only as a name (capitalised), and never the subject's.
    assert r.text("bob the builder; Alice Example") == "bob the builder; Alice Example"
    assert r.payload({"name": "Alice Example", "officer": "PC Jones"}, own=True) == {
        "name": "Alice Example", "officer": THIRD_PARTY}
    assert r.payload({"name": "Carol", "contact": {"email": "c@d.org"}}, own=False) == {
        "name": THIRD_PARTY, "contact": THIRD_PARTY}


@pytest.mark.django_db
def test_administrators_download_the_export_from_the_admin_and_it_is_audited(cases, client,
                                                                             settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    staff_create(username="admin.one", password="correct horse battery",
                 organisation="police:kent", role="administrator")
    client.login(username="admin.one", password="correct horse battery")
    page = client.get("/admin/privacy/caseretention/subject-access/")
    assert page.status_code == 200
    assert b"Subject access export" in page.content
    response = client.post("/admin/privacy/caseretention/subject-access/",
                           {"reference": G3, "victim": "V1", "format": "json"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="subject-access.json"'
    doc = json.loads(response.content)
    assert doc["subject"]["name"] == "Alice Example"
    entry = AuditEntry.objects.order_by("-id").first()
    assert (entry.action, entry.actor_name, entry.role, entry.victim_key) == (
        "subject_access_export", "admin.one", "administrator", "V1")
    missing = client.post("/admin/privacy/caseretention/subject-access/",
                          {"reference": G3, "victim": "V9", "format": "pdf"})
    assert missing.status_code == 200
    assert b"There is no victim with that key on that case." in missing.content


@pytest.mark.django_db
def test_staff_who_are_not_administrators_cannot_export(cases, client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = staff_create(username="supervisor", password="correct horse battery",
                        organisation="police:kent", role="supervisor")
    user.is_staff = True  # may reach the admin site, not this page
    user.save()
    client.login(username="supervisor", password="correct horse battery")
    exports = AuditEntry.objects.filter(action="subject_access_export").count()
    response = client.post("/admin/privacy/caseretention/subject-access/",
                           {"reference": G3, "victim": "V1", "format": "json"})
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action="subject_access_export").count() == exports


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "action", "words"), [
    ("en", "anonymise", "will be anonymised on"),
    ("en", "delete", "will be deleted on"),
    ("cy", "anonymise", "yn cael eu gwneud yn ddienw ar"),
    ("cy", "delete", "yn cael eu dileu ar"),
])
def test_the_retention_sentence_names_what_will_happen_in_either_language(
        document, language, action, words):
    from django.template.loader import render_to_string
    from django.utils import translation

    _paths, doc = document
    doc = {**doc, "retention": {**doc["retention"], "action": action}}
    with translation.override(language):
        html = render_to_string("privacy/subject_access.html", {"doc": doc})
    assert words in html
    assert "anonymised" not in html if action == "delete" else "deleted on" not in html
