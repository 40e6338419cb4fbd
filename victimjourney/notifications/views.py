"""Pages and endpoints of the notifications app: the supervisors' page of notices needing
attention (with one-click retry), and the GOV.UK Notify callback. Parse, fetch through a
permission-checked selector, call one service, respond."""

from __future__ import annotations

import hmac
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from victimjourney.audit.services import audit_record
from victimjourney.core import clock
from victimjourney.core.errors import DomainError, NotFound
from victimjourney.notifications.conf import setting
from victimjourney.notifications.selectors import (
    access_delivery,
    channel_figures,
    needing_attention,
)
from victimjourney.notifications.services import delivery_retry, notify_callback_record


def _page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    now = clock.now()
    attention = needing_attention(request.user, now=now)
    sections = [
        ("failed", _("Failed"), [(d, attention.then.get(d.pk)) for d in attention.failed], True),
        ("undelivered", _("Sent, not confirmed as delivered"),
         [(d, None) for d in attention.undelivered], True),
        ("stuck", _("Stuck"), [(d, None) for d in attention.stuck], True),
        ("tasks", _("Phone calls to make"), [(d, None) for d in attention.tasks], False),
    ]
    return render(request, "notifications/supervise.html", {
        "attention": attention, "sections": sections, "error": error,
        "figures": channel_figures(request.user, now=now),
        "staff": getattr(request.user, "staff", None),
    }, status=status)


@login_required
def supervise(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def retry(request: HttpRequest, delivery_id: int) -> HttpResponse:
    row = access_delivery(request.user, delivery_id)
    try:
        delivery_retry(delivery_id=row.pk, by=request.user.get_username())
    except NotFound:
        raise
    except DomainError as exc:
        return _page(request, error=str(exc), status=409)
    else:
        audit_record(user=request.user, action="retry_notice",
                     case_reference=row.notice.case.reference, victim_key=row.notice.victim.key,
                     detail=f"{row.channel} {row.reference}")
        messages.success(request, _("The notice has been queued to be sent again."))
    return redirect("notifications-supervise")


@csrf_exempt
@require_POST
def notify_callback(request: HttpRequest) -> HttpResponse:
    """GOV.UK Notify's delivery receipt. Notify sends the bearer token set up with the
    callback (NOTIFY_CALLBACK_TOKEN); anything else is refused before the body is read."""
    token = str(setting("NOTIFY_CALLBACK_TOKEN"))
    given = request.headers.get("Authorization", "")
    if not token or not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return HttpResponse(status=401)
    try:
        payload = json.loads(request.body)
    except ValueError:
        return HttpResponse(status=400)
    if not isinstance(payload, dict):
        return HttpResponse(status=400)
    return JsonResponse({"result": notify_callback_record(payload)})
