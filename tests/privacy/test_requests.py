"""Victims ask for a copy of their data in the portal; administrators see the requests, oldest
due first, and the export fulfils them; the requests have a retention period of their own."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core import mail
from django.test import Client

from tests.privacy.conftest import G3, IMPORTED
from victimjourney.accounts.services import staff_create
from victimjourney.audit.models import AuditEntry
from victimjourney.core import clock
from victimjourney.privacy.access import subject_access_export
from victimjourney.privacy.models import SubjectAccessRequest
from victimjourney.privacy.requests import one_month_after
from victimjourney.privacy.services import retention_run
from victimjourney.victims.models import Victim

ASKED = dt.datetime(2026, 1, 31, 15, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(("received", "due"), [
    ("2026-01-31", "2026-02-28"), ("2024-01-31", "2024-02-29"), ("2026-03-31", "2026-04-30"),
    ("2026-12-15", "2027-01-15"), ("2026-09-03", "2026-10-03"),
])
def test_a_request_is_due_one_calendar_month_after_it_was_received(received, due):
    assert one_month_after(dt.date.fromisoformat(received)) == dt.date.fromisoformat(due)


def _signed_in(client: Client) -> Client:
    mail.outbox.clear()
    client.post("/portal/sign-in/", {"reference": G3, "contact": "alice@example.org"})
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    assert client.post("/portal/code/", {"code": code})["Location"] == "/portal/case/"
    return client


@pytest.mark.django_db
def test_a_victim_asks_once_and_is_told_when_it_is_due(cases, client):
    with clock.frozen(ASKED):
        _signed_in(client)
        assert "/portal/your-data/" in client.get("/portal/case/").content.decode()
        page = client.get("/portal/your-data/").content.decode()
        assert "Ask for a copy" in page and 'data-testid="open-request"' not in page
        done = client.post("/portal/your-data/", follow=True).content.decode()
        assert "We will send you a copy of your personal data by 28 February 2026." in done
        assert "You asked for a copy on 31 January 2026. We will send it by 28 February " \
               "2026." in done
        client.post("/portal/your-data/")  # asked again while it is open: nothing new
    made = SubjectAccessRequest.objects.get()
    assert (made.case_reference, made.victim_key, made.due_on, made.fulfilled_at) == (
        G3, "V1", dt.date(2026, 2, 28), None)
    entries = AuditEntry.objects.filter(action="portal_subject_access_request")
    assert [(e.case_reference, e.victim_key, e.detail) for e in entries] == [
        (G3, "V1", "due 2026-02-28")]


@pytest.mark.django_db
def test_the_welsh_page(cases, client):
    client.get("/language/cy/?next=/portal/")
    with clock.frozen(ASKED):
        _signed_in(client)
        page = client.get("/portal/your-data/").content.decode()
        done = client.post("/portal/your-data/", follow=True).content.decode()
    assert "Gofyn am gopi o’ch data personol" in page
    assert "28 Chwefror 2026" in done
    assert "Ask for a copy" not in page + done


@pytest.mark.django_db
def test_administrators_see_the_requests_and_an_export_fulfils_them(cases, client, settings,
                                                                    tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with clock.frozen(ASKED):
        _signed_in(client).post("/portal/your-data/")
    staff_create(username="admin.one", password="correct horse battery",
                 organisation="police:kent", role="administrator")
    admin = Client()
    admin.login(username="admin.one", password="correct horse battery")
    listing = admin.get("/admin/privacy/subjectaccessrequest/").content.decode()
    assert G3 in listing and "Feb. 28, 2026" in listing
    query = f"reference={G3.replace('/', '%2F')}&victim=V1"
    assert f"/admin/privacy/caseretention/subject-access/?{query.replace('&', '&amp;')}" \
        in listing
    form = admin.get(f"/admin/privacy/caseretention/subject-access/?{query}").content.decode()
    assert f'value="{G3}"' in form and 'value="V1"' in form
    with clock.frozen(ASKED + dt.timedelta(days=3)):
        admin.post("/admin/privacy/caseretention/subject-access/",
                   {"reference": G3, "victim": "V1", "format": "json"})
    done = SubjectAccessRequest.objects.get()
    assert (done.fulfilled_by, done.fulfilled_at) == ("admin.one",
                                                      ASKED + dt.timedelta(days=3))
    # The command fulfils a request too.
    with clock.frozen(ASKED + dt.timedelta(days=4)):
        _signed_in(client).post("/portal/your-data/")
        subject_access_export(reference=G3, victim_key="V1", out=tmp_path)
    assert sorted(SubjectAccessRequest.objects.values_list("fulfilled_by", flat=True)) == [
        "admin.one", "subject_access command"]
    document = json.loads((tmp_path / "subject-access.json").read_text(encoding="utf-8"))
    assert document["requests"] == [
        {"received_at": "2026-01-31T15:00:00+00:00", "due_on": "2026-02-28",
         "fulfilled_at": "2026-02-03T15:00:00+00:00"},
        {"received_at": "2026-02-04T15:00:00+00:00", "due_on": "2026-03-04",
         "fulfilled_at": None}]  # the export is made before it fulfils the request


@pytest.mark.django_db
def test_requests_go_six_years_after_they_were_received(cases):
    with clock.frozen(IMPORTED):
        victim = Victim.objects.get(case__reference=G3, key="V1")
        SubjectAccessRequest.objects.create(victim=victim, case_reference=G3, victim_key="V1",
                                            received_at=IMPORTED, due_on=IMPORTED.date())
    with clock.frozen(IMPORTED + dt.timedelta(days=6 * 365)):
        assert retention_run(dry_run=True).as_dict()["kinds"]["privacy.requests"]["records"] \
            == {"privacy.SubjectAccessRequest": 0}
    with clock.frozen(IMPORTED + dt.timedelta(days=6 * 366)):
        run = retention_run()
    assert run.as_dict()["kinds"]["privacy.requests"]["records"] == {
        "privacy.SubjectAccessRequest": 1}
    assert not SubjectAccessRequest.objects.exists()
