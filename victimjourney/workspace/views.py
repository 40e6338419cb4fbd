"""Practitioners' pages: parse, fetch through a permission-checked selector, call one service,
respond."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from victimjourney.accounts.permissions import permitted
from victimjourney.accounts.roles import ROLES
from victimjourney.audit.services import audit_record
from victimjourney.cases.models import Case
from victimjourney.cases.selectors import access_case, case_relationship, cases_visible, staff_of
from victimjourney.core import clock
from victimjourney.core.errors import FeedErrors
from victimjourney.duties.selectors import (
    GROUPS,
    duties_in_group,
    duties_to_do,
    duty_views,
    team_summary,
    todo_counts,
)
from victimjourney.duties.services import feed_import
from victimjourney.journey.catalogue import EVENT_TYPES
from victimjourney.letters.content import LETTER_TYPES, letter_for
from victimjourney.organisations.selectors import organisation_refs
from victimjourney.workspace.forms import (
    EventForm,
    NewCaseForm,
    proposed_categories,
    recordable_types,
)
from victimjourney.workspace.selectors import case_page


class SignInView(auth_views.LoginView):
    template_name = "workspace/sign_in.html"
    redirect_authenticated_user = True
    extra_context = {"oidc_enabled": settings.OIDC_ENABLED}


def _staff(request: HttpRequest):
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise PermissionDenied(_("Your account is not linked to an organisation."))
    return staff


GROUP_LABELS = {
    "overdue": gettext_noop("Overdue"),
    "today": gettext_noop("Due today"),
    "week": gettext_noop("Due in the next 7 days"),
    "later": gettext_noop("Due later"),
    "undated": gettext_noop("No time limit (still to do)"),
}
PAGE_SIZE = 50  # a group listed in full, a page at a time
OVERVIEW_SIZE = 10  # the most urgent of each group on "My duties"; "See all N" for the rest


@login_required
def my_duties(request: HttpRequest) -> HttpResponse:
    """The first duties of each group, most urgent first, with how many each group holds;
    `?show=GROUP&page=N` lists one group in full, a page at a time."""
    staff = _staff(request)
    orgs = organisation_refs()
    now = clock.now()
    context = {"staff": staff, "role": _(ROLES[staff.role]),
               "organisation": orgs.get(staff.organisation_id),
               "can_supervise": permitted(staff.role, "own", "duty", "team")}
    show = request.GET.get("show")
    if show:
        if show not in GROUPS:
            raise Http404("no such group")
        total = todo_counts(organisation=staff.organisation_id, now=now)[show]
        pages = max(1, -(-total // PAGE_SIZE))
        try:
            page = int(request.GET.get("page", "1"))
        except ValueError:
            page = 1
        page = min(max(page, 1), pages)
        duties = duties_in_group(organisation=staff.organisation_id, now=now, group=show,
                                 offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        return render(request, "workspace/my_duties_group.html", {
            **context, "group": show, "label": _(GROUP_LABELS[show]), "total": total,
            "duties": duty_views(duties, orgs), "page": page, "pages": pages,
            "first": (page - 1) * PAGE_SIZE + 1 if total else 0,
            "last": min(page * PAGE_SIZE, total)})
    work = duties_to_do(organisation=staff.organisation_id, now=now, limit=OVERVIEW_SIZE)
    lists = (work.overdue, work.due_today, work.due_this_week, work.later, work.undated)
    groups = [(_(GROUP_LABELS[g]), g, duty_views(duties, orgs), work.counts[g])
              for g, duties in zip(GROUPS, lists, strict=True)]
    return render(request, "workspace/my_duties.html", {**context, "groups": groups})


@login_required
def team(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    if not permitted(staff.role, "own", "duty", "team"):
        raise Http404
    orgs = organisation_refs()
    return render(request, "workspace/team.html", {
        "rows": team_summary(organisation=staff.organisation_id),
        "organisation": orgs.get(staff.organisation_id),
    })


@login_required
def case_search(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    query = request.GET.get("q", "").strip()
    cases = cases_visible(request.user)
    if query:
        cases = cases.filter(reference__icontains=query)
    return render(request, "workspace/case_search.html", {
        "query": query, "cases": cases.order_by("-reported_at", "reference")[:50],
        "can_record": _may_open_case(staff, raising=False),
    })


@login_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    staff = _staff(request)
    case = access_case(request.user, reference)
    relationship = case_relationship(staff.organisation_id, case)
    page = case_page(case, role=staff.role, relationship=relationship,
                     orgs=organisation_refs(), now=clock.now())
    audit_record(user=request.user, action="view_case", case_reference=case.reference,
                 detail="victims: " + ", ".join(v.victim.key for v in page.victims))
    return render(request, "workspace/case_detail.html", {
        "case": case, "page": page,
        "can_record": permitted(staff.role, relationship, "event", "record"),
    })


@login_required
def record_choose(request: HttpRequest, reference: str) -> HttpResponse:
    staff = _staff(request)
    case = access_case(request.user, reference)
    _may_record(staff, case)
    chosen = request.GET.get("type")
    if chosen in EVENT_TYPES:
        return redirect("record-event", reference=case.reference, event_type=chosen)
    return render(request, "workspace/record_choose.html", {
        "case": case, "types": recordable_types(), "error": "type" in request.GET,
    })


def _may_record(staff, case: Case) -> None:
    """Recording on a case follows the permission matrix: a role that reads every case
    records only on the cases its organisation is involved in (else 404, as if missing)."""
    if not permitted(staff.role, case_relationship(staff.organisation_id, case), "event",
                     "record"):
        raise Http404


def _may_open_case(staff, *, raising: bool = True) -> bool:
    """Only a police force opens a case (the matrix's `own`: a force opening its own)."""
    opener = "own" if staff.organisation_id.startswith("police:") else "none"
    allowed = permitted(staff.role, opener, "case", "create")
    if raising and not allowed:
        raise Http404
    return allowed


def _event_choices(case: Case) -> list[tuple[str, str]]:
    return [(e.id, f"{_(EVENT_TYPES[e.type].doc) if e.type in EVENT_TYPES else e.type} "
                   f"({formats.date_format(clock.local_date(e.occurred_at), 'j M Y')}, {e.id})")
            for e in case.events.order_by("-occurred_at")[:200]]


@login_required
def record_event(request: HttpRequest, reference: str, event_type: str) -> HttpResponse:
    staff = _staff(request)
    if event_type not in EVENT_TYPES:
        raise Http404
    case = access_case(request.user, reference)
    _may_record(staff, case)
    victims = [(v.key, f"{v.key}: {v.name or v.get_kind_display()}")
               for v in case.victims.order_by("key")]
    form = EventForm(request.POST or None, event_type=event_type, victims=victims,
                     events=_event_choices(case), new_victim_key=f"V{len(victims) + 1}")
    if request.method == "POST" and form.is_valid():
        line = form.to_feed_line(event_id=f"ws-{uuid.uuid4()}", case=case.reference,
                                 provider=staff.organisation_id)
        who = staff.user.get_full_name() or staff.user.get_username()
        if event_type == "flag.set":
            line["data"]["set_by"] = who
        elif event_type == "flag.cleared":
            line["data"]["cleared_by"] = who
        extra = proposed_categories(line, confirmed_by=who)
        if _store(request, form, line, *extra):
            audit_record(user=request.user, action="record_event", case_reference=case.reference,
                         victim_key=line.get("victim", ""), detail=event_type)
            messages.success(request, _("Recorded: %(doc)s") % {
                "doc": _(EVENT_TYPES[event_type].doc)})
            return redirect("case-detail", reference=case.reference)
    return render(request, "workspace/record_event.html", {
        "case": case, "form": form, "event_type": EVENT_TYPES[event_type],
    })


def _store(request: HttpRequest, form: EventForm, *lines: dict) -> bool:
    """Write the form's events as one batch, through the feed import (whole or nothing)."""
    import json

    try:
        feed_import(lines=[json.dumps(line) for line in lines],
                    source=f"workspace:{request.user.get_username()}")
    except FeedErrors as exc:
        for error in exc.errors:
            name = error.field.removeprefix("data.")
            target = name if name in form.fields else None
            form.add_error(target, error.message)
        return False
    return True


@login_required
def letter(request: HttpRequest, reference: str) -> HttpResponse:
    """A letter to a victim about an event (?event=ID&victim=KEY), from the case record;
    &format=pdf to print."""
    staff = _staff(request)
    case = access_case(request.user, reference)
    event_id = request.GET.get("event", "")
    victim_key = request.GET.get("victim", "")
    event = case.events.filter(id=event_id, type__in=LETTER_TYPES).first()
    victim = case.victims.filter(key=victim_key).first()
    if event is None or victim is None or (event.victim_key and event.victim_key != victim_key):
        raise Http404
    sender = organisation_refs()[staff.organisation_id]
    content = letter_for(case=case, victim=victim, event=event, sender=sender,
                         dated=clock.local_date(clock.now()))
    audit_record(user=request.user, action="view_letter", case_reference=case.reference,
                 victim_key=victim.key, detail=f"{event.type} {event.id}")
    html = render_to_string("letters/letter.html", {"letter": content})
    if request.GET.get("format") == "pdf":
        from weasyprint import HTML

        pdf = HTML(string=html).write_pdf()
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = f"letter-{case.reference.replace('/', '-')}-{victim.key}-{event.id}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return render(request, "workspace/letter.html", {
        "case": case, "victim": victim, "event": event, "letter": content, "letter_html": html,
    })


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    _may_open_case(staff)
    form = NewCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["reference"].strip()
        if Case.objects.filter(reference=reference).exists():
            form.add_error("reference", _("A case with this reference already exists"))
        else:
            return redirect("new-case-report", reference=reference)
    return render(request, "workspace/case_new.html", {"form": form})


@login_required
def case_new_report(request: HttpRequest, reference: str) -> HttpResponse:
    staff = _staff(request)
    _may_open_case(staff)
    if Case.objects.filter(reference=reference).exists():
        staff_of(request.user)
        return redirect("case-detail", reference=reference)
    form = EventForm(request.POST or None, event_type="crime.reported", victims=[], events=[],
                     new_victim_key="V1")
    if request.method == "POST" and form.is_valid():
        line = form.to_feed_line(event_id=f"ws-{uuid.uuid4()}", case=reference,
                                 provider=staff.organisation_id)
        if _store(request, form, line):
            audit_record(user=request.user, action="record_event", case_reference=reference,
                         detail="crime.reported")
            messages.success(request, _("Crime recorded. Now add the victim."))
            return redirect("record-event", reference=reference,
                            event_type="victim.identified")
    return render(request, "workspace/record_event.html", {
        "case": {"reference": reference}, "form": form,
        "event_type": EVENT_TYPES["crime.reported"], "new_case": True,
    })
