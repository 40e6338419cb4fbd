"""Reads of the notifications app: the supervisors' lists and figures (permission-checked:
a delivery the user may not see looks exactly like one that does not exist), and the notices
the portal shows a victim."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from victimjourney.accounts.permissions import permitted
from victimjourney.core.errors import NotFound
from victimjourney.notifications.conf import setting
from victimjourney.notifications.models import CHANNELS, Delivery, Notice


def _staff(user: Any) -> Any:
    staff = getattr(user, "staff", None) if user and user.is_authenticated else None
    if staff is None or not permitted(staff.role, "own", "notice", "supervise"):
        raise NotFound("no such page")
    return staff


def deliveries_visible(user: Any) -> QuerySet[Delivery]:
    """A supervisor sees the notices their organisation sends; an administrator all."""
    staff = _staff(user)
    rows = Delivery.objects.select_related("notice", "notice__case", "notice__victim")
    if permitted(staff.role, "none", "notice", "supervise"):
        return rows
    return rows.filter(notice__sender_id=staff.organisation_id)


def access_delivery(user: Any, delivery_id: int) -> Delivery:
    row = deliveries_visible(user).filter(pk=delivery_id).first()
    if row is None:
        raise NotFound("no such delivery")
    return row


@dataclass
class Attention:
    failed: list[Delivery]
    undelivered: list[Delivery]
    stuck: list[Delivery]
    tasks: list[Delivery]
    evidence_errors: list[Notice] = field(default_factory=list)
    then: dict[int, Delivery] = field(default_factory=dict)  # failed delivery -> the next


def needing_attention(user: Any, *, now: dt.datetime, days: int = 30,
                      limit: int = 200) -> Attention:
    """Failed deliveries (each shown with where the notice went next), sent ones with no
    receipt for too long, stuck ones (queued and overdue, or a worker died sending), and
    phone tasks still open; the last DAYS days."""
    rows = deliveries_visible(user).filter(created_at__gte=now - dt.timedelta(days=days))
    hours = setting("NOTIFICATIONS_UNDELIVERED_HOURS")
    late = Q()
    for channel, limit_hours in hours.items():
        late |= Q(channel=channel, sent_at__lt=now - dt.timedelta(hours=float(limit_hours)))
    stuck_after = now - dt.timedelta(seconds=float(setting("NOTIFICATIONS_STUCK_SECONDS")))
    stuck = rows.filter(
        Q(status="queued") & (Q(next_attempt_at__lt=stuck_after)
                              | Q(next_attempt_at__isnull=True, created_at__lt=stuck_after))
        | Q(status="sending", lease_until__lt=now))
    staff = _staff(user)
    notices = Notice.objects.select_related("case", "victim").filter(
        status="delivered", evidence_at__isnull=False).exclude(evidence_error="")
    if not permitted(staff.role, "none", "notice", "supervise"):
        notices = notices.filter(sender_id=staff.organisation_id)
    failed = list(rows.filter(status="failed").order_by("-failed_at")[:limit])
    then = {d.fallback_from_id: d for d in Delivery.objects.filter(
        fallback_from__in=[f.pk for f in failed]) if d.fallback_from_id is not None}
    return Attention(
        failed=failed, then=then,
        undelivered=list(rows.filter(status="sent").filter(late).order_by("sent_at")[:limit]),
        stuck=list(stuck.order_by("created_at")[:limit]),
        tasks=list(rows.filter(status="task").order_by("notice__due_at", "created_at")[:limit]),
        evidence_errors=list(notices.order_by("-delivered_at")[:limit]),
    )


@dataclass
class ChannelFigures:
    channel: str
    label: str
    total: int = 0
    delivered: int = 0
    awaiting: int = 0  # sent, no receipt yet
    waiting: int = 0  # queued or sending (first try or a retry)
    failed: int = 0
    other: int = 0  # cancelled, tasks
    median_minutes: float | None = None  # created to delivered

    @property
    def delivered_percent(self) -> int | None:
        settled = self.delivered + self.failed
        return round(100 * self.delivered / settled) if settled else None


def channel_figures(user: Any, *, now: dt.datetime, days: int = 30) -> list[ChannelFigures]:
    """Per channel, over the last DAYS days: deliveries by state and the median time from the
    notice being written to its delivery."""
    rows = deliveries_visible(user).filter(created_at__gte=now - dt.timedelta(days=days))
    figures = {code: ChannelFigures(code, label) for code, label in CHANNELS}
    buckets = {"delivered": "delivered", "sent": "awaiting", "queued": "waiting",
               "sending": "waiting", "failed": "failed"}
    times: dict[str, list[float]] = {code: [] for code in figures}
    for channel, status, created, delivered in rows.values_list(
            "channel", "status", "notice__created_at", "delivered_at").iterator():
        item = figures[channel]
        item.total += 1
        name = buckets.get(status, "other")
        setattr(item, name, getattr(item, name) + 1)
        if delivered is not None:
            times[channel].append((delivered - created).total_seconds() / 60)
    for code, values in times.items():
        if values:
            figures[code].median_minutes = round(statistics.median(values), 1)
    return list(figures.values())


def portal_messages(victim_id: int) -> QuerySet[Notice]:
    """The notices the portal shows a victim, newest first (codes are never shown)."""
    return Notice.objects.filter(victim_id=victim_id).exclude(
        kind="one_time_code").order_by("-created_at", "-id")
