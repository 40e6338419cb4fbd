"""Evidence of a delivered notice, written to the journey through `feed_import`: the duties
it answers are met only now that delivery is confirmed.

A notice caused by a duty writes a `contact.made` answering its trigger (narrowed to the
entitlements it covers); a complaint's acknowledgement writes `complaint.responded` (kind
acknowledgement), the Code's evidence for that duty. Event ids are fixed per notice
(`notice-<id>`), so writing the same evidence twice is a no-op. Delivered notices are written in
batches, in one import each, apart from the sending (a slow import never holds up a send).
"""

from __future__ import annotations

import io
import json
import logging
from typing import Any

from django.db import connection, transaction

from victimjourney.core import clock
from victimjourney.duties import services as duty_services
from victimjourney.notifications.conf import setting
from victimjourney.notifications.kinds import KINDS
from victimjourney.notifications.models import Notice

logger = logging.getLogger(__name__)

EVIDENCE_LOCK = 5_2026_0005  # an arbitrary key for pg_advisory_xact_lock
CHANNEL_WORDS = {"email": "email (accepted by the mail server)",
                 "sms": "text message (delivered, GOV.UK Notify)",
                 "letter": "letter (posted, GOV.UK Notify)",
                 "portal": "portal message (read by the victim)"}


def evidence_line(notice: Notice) -> dict[str, Any] | None:
    """The journey event that records NOTICE's delivery, or None for notices that answer no
    duty (invitations, codes)."""
    kind = KINDS[notice.kind]
    if kind.evidence == "none" or notice.trigger_event_id is None or notice.delivered_at is None:
        return None
    line: dict[str, Any] = {
        "id": f"notice-{notice.pk}", "case": notice.case.reference,
        "provider": notice.sender_id, "occurred_at": notice.delivered_at.isoformat(),
        "victim": notice.victim.key,
    }
    if kind.evidence == "complaint_ack":
        line.update(type="complaint.responded",
                    data={"complaint": notice.trigger_event_id, "kind": "acknowledgement"})
        return line
    where = CHANNEL_WORDS.get(notice.delivered_channel, notice.delivered_channel)
    details = ("; the details are in the portal" if kind.private
               and notice.delivered_channel in ("email", "sms") else "")
    line.update(type="contact.made", data={
        "channel": notice.delivered_channel, "answers": notice.trigger_event_id,
        "entitlements": list(notice.entitlements),
        "summary": f"Notice {notice.pk} ({notice.kind}: {notice.title}) delivered by "
                   f"{where}{details}."})
    return line


def evidence_record(*, limit: int | None = None) -> int:
    """Write the evidence of up to LIMIT delivered notices (one import). Returns how many were
    settled."""
    now = clock.now()
    limit = limit or int(setting("NOTIFICATIONS_EVIDENCE_BATCH"))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # One evidence import at a time. Two imports touching the same case at once would
            # each re-evaluate it without the other's event, and the later would put back the
            # duty the earlier met. (SQLite lets one writer in at a time anyway.)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [EVIDENCE_LOCK])
        pending = Notice.objects.filter(status="delivered", evidence_at__isnull=True
                                        ).select_related("case", "victim").order_by("delivered_at")
        notices = list(pending[:limit])
        if not notices:
            return 0
        lines = {n.pk: evidence_line(n) for n in notices}
        sendable = [(pk, line) for pk, line in lines.items() if line is not None]
        errors: dict[int, str] = {}
        if sendable:
            rejects = io.StringIO()
            duty_services.feed_import(lines=[json.dumps(line) for _, line in sendable],
                                      source="notifications", keep_valid=True, rejects=rejects)
            for text in rejects.getvalue().splitlines():
                reject = json.loads(text)
                pk = sendable[reject["line"] - 1][0]
                errors[pk] = f"{reject['field']}: {reject['error']}"[:1000]
        for notice in notices:
            line = lines[notice.pk]
            if notice.pk in errors:
                logger.error("Evidence of notice %s refused: %s", notice.pk, errors[notice.pk])
            Notice.objects.filter(pk=notice.pk).update(
                evidence_at=now, evidence_error=errors.get(notice.pk, ""),
                evidence_event_id="" if line is None or notice.pk in errors else line["id"])
    return len(notices)
