"""The supervisors' page: notices failed, undelivered or stuck, phone tasks, figures per
channel, and one-click retry."""

import datetime as dt
import re

import pytest

from tests.notifications.conftest import NOW, case_import, event, notice_of, only_delivery
from tests.notifications.test_delivery import send
from tests.workspace.conftest import signed_in
from victimjourney.audit.models import AuditEntry
from victimjourney.core import clock
from victimjourney.notifications.models import Delivery

pytestmark = pytest.mark.django_db
LATER = NOW + dt.timedelta(hours=25)


def section(html, name):
    found = re.search(rf'data-section="{name}">(.*?)</table>', html, re.S)
    assert found, name
    return found.group(1)


def ids(html, name):
    return {int(i) for i in re.findall(r'data-delivery="(\d+)"', section(html, name))}


@pytest.fixture
def troubles(now, wired, mailbox):
    """A refused email (fell back to a text), a text with no receipt, a queued email."""
    mailbox.refuse.add("gone@example.org")
    case_import("KEN/50/26", contact={"email": "gone@example.org", "phone": "07700 900123"},
                events=(event("KEN/50/26", "a", "suspect.arrested", "2026-11-25 15:00"),))
    refused = only_delivery(notice_of("KEN/50/26", "arrested"))
    send(refused)
    text = Delivery.objects.get(fallback_from=refused)
    send(text)
    case_import("KEN/51/26", contact={"email": "sam@example.org"},
                events=(event("KEN/51/26", "a", "suspect.arrested", "2026-11-25 15:00"),))
    queued = only_delivery(notice_of("KEN/51/26", "arrested"))
    case_import("KEN/52/26", contact={},
                events=(event("KEN/52/26", "a", "suspect.arrested", "2026-11-25 15:00"),))
    task = only_delivery(notice_of("KEN/52/26", "arrested"))
    return refused, text, queued, task


def test_supervisors_see_what_failed_what_is_unconfirmed_stuck_or_a_task(client, troubles):
    refused, text, queued, task = troubles
    signed_in(client, "sup", "police:kent", "supervisor")
    with clock.frozen(LATER):
        html = client.get("/notifications/").content.decode()
    assert ids(html, "failed") == {refused.pk}
    assert 'data-then="sms"' in section(html, "failed")
    assert "recipient refused: 550 5.1.1 No such mailbox" in section(html, "failed")
    assert ids(html, "undelivered") == {text.pk}
    assert queued.pk in ids(html, "stuck")
    assert task.pk in ids(html, "tasks")
    figures = section(html, "figures")
    email_row = re.search(r'data-channel="email">(.*?)</tr>', figures, re.S).group(1)
    numbers = re.findall(r'numeric">([^<]*)<', email_row)
    # all, delivered, awaiting, queued, failed, delivered of settled, median
    assert numbers == ["4", "0", "0", "3", "1", "0%", "-"]  # 2 crime reports, 1 arrest queued
    sms_row = re.search(r'data-channel="sms">(.*?)</tr>', figures, re.S).group(1)
    assert re.findall(r'numeric">([^<]*)<', sms_row)[:3] == ["1", "0", "1"]


def test_another_organisation_and_other_roles_see_nothing(client, troubles):
    signed_in(client, "met", "police:metropolitan", "supervisor")
    with clock.frozen(LATER):
        html = client.get("/notifications/").content.decode()
    assert ids(html, "failed") == ids(html, "stuck") == ids(html, "tasks") == set()
    client.logout()
    signed_in(client, "officer", "police:kent", "investigating_officer")
    assert client.get("/notifications/").status_code == 404
    refused = troubles[0]
    assert client.post(f"/notifications/deliveries/{refused.pk}/retry/").status_code == 404


def test_one_click_retry_sends_again_with_a_new_key(client, troubles, mailbox):
    refused = troubles[0]
    mailbox.refuse.clear()  # the victim's mailbox works again
    signed_in(client, "sup", "police:kent", "supervisor")
    with clock.frozen(LATER):
        response = client.post(f"/notifications/deliveries/{refused.pk}/retry/")
    assert response.status_code == 302
    refused.refresh_from_db()
    assert (refused.status, refused.generation, refused.retried_by) == ("queued", 1, "sup")
    assert send(refused, LATER) == "delivered"
    (message,) = mailbox.to("gone@example.org")
    assert message["Message-ID"] == f"<vj-{refused.pk}-1@victimjourney.invalid>"
    assert notice_of("KEN/50/26", "arrested").status == "delivered"
    entry = AuditEntry.objects.get(action="retry_notice")
    assert (entry.case_reference, entry.victim_key) == ("KEN/50/26", "V1")
    with clock.frozen(LATER):
        again = client.post(f"/notifications/deliveries/{refused.pk}/retry/")
    assert again.status_code == 409
    assert "This notice has already been delivered." in again.content.decode()
