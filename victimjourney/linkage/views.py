"""Linkage pages: parse, fetch through a permission-checked selector, call one service, audit,
respond. A capability the role lacks answers 404, as a page that does not exist."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from victimjourney.accounts.permissions import fields_visible
from victimjourney.audit.services import audit_record
from victimjourney.cases.selectors import access_case, case_relationship
from victimjourney.core import clock
from victimjourney.core.errors import DomainError
from victimjourney.journey.models import Event
from victimjourney.linkage import selectors
from victimjourney.linkage.forms import DecisionForm, FirstContactForm, ProposalForm
from victimjourney.linkage.indexing import record_index
from victimjourney.linkage.lookup import LookupResult, earlier_records
from victimjourney.linkage.models import LinkRecord
from victimjourney.linkage.normalise import LinkInput
from victimjourney.linkage.permissions import may
from victimjourney.linkage.services import link_decide, proposal_decide

FIELD_LABELS = {"first_name": _("First name"), "surname": _("Surname"),
                "dob": _("Date of birth"), "address": _("Address"), "phone": _("Phone"),
                "email": _("Email")}


def _staff(request: HttpRequest, capability: str):
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise PermissionDenied(_("Your account is not linked to an organisation."))
    if not may(staff.role, capability):
        raise Http404
    return staff


def _people(user: Any, result: LookupResult, *, exclude: frozenset[int] = frozenset()
            ) -> list[dict[str, Any]]:
    """Matches grouped into people, best match first, each with the history the user may see.
    A match brings the records confirmed to be the same person; matches the model also links
    to each other (a link not rejected) are one person."""
    matched = {m.record_id: (m.probability, m.comparison) for m in result.matches}
    groups = selectors.group_matches([m.record_id for m in result.matches])
    out = []
    for ids in groups:
        best = max(matched[pk][0] for pk in ids if pk in matched)
        out.append({"best": best, "history": selectors.history(
            user, ids - exclude, matched={pk: matched[pk] for pk in ids if pk in matched})})
    return out


@login_required
def home(request: HttpRequest) -> HttpResponse:
    staff = _staff(request, "lookup")
    return render(request, "linkage/home.html", {
        "can_review": may(staff.role, "review"), "can_categorise": may(staff.role,
                                                                       "categorise")})


@login_required
@require_http_methods(["GET", "POST"])
def first_contact(request: HttpRequest) -> HttpResponse:
    """Has this person reported before? (The details are posted, never put in the URL.)"""
    _staff(request, "lookup")
    form = FirstContactForm(request.POST or None)
    people = None
    result = None
    if request.method == "POST" and form.is_valid():
        result = earlier_records(form.link_input())
        people = _people(request.user, result)
        audit_record(user=request.user, action="linkage_lookup",
                     detail=f"first contact: {len(result.matches)} "
                            f"matches of {result.candidates} candidates; records "
                            + ", ".join(str(m.record_id) for m in result.matches[:20]))
    return render(request, "linkage/first_contact.html", {
        "form": form, "people": people, "result": result, "labels": FIELD_LABELS})


@login_required
def victim_earlier(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    """Earlier reports of a victim on a case the user may open."""
    _staff(request, "lookup")
    case = access_case(request.user, reference)
    victim = case.victims.filter(key=key).first()
    if victim is None:
        raise Http404
    record = record_index(victim, now=clock.now())
    if record is None:
        raise Http404
    own = selectors.person_record_ids(record.pk)
    result = earlier_records(LinkInput.from_victim(name=victim.name,
                                                   date_of_birth=victim.date_of_birth,
                                                   contact=victim.contact),
                             exclude_case_id=case.pk, exclude_record_id=record.pk)
    result.matches = [m for m in result.matches if m.record_id not in own]
    confirmed = selectors.history(request.user, own - {record.pk})
    people = _people(request.user, result, exclude=frozenset({record.pk} | own))
    audit_record(user=request.user, action="linkage_lookup", case_reference=case.reference,
                 victim_key=victim.key,
                 detail=f"earlier reports: {confirmed.total} confirmed, "
                        f"{len(result.matches)} possible")
    return render(request, "linkage/victim_earlier.html", {
        "case": case, "victim": victim, "record": record, "confirmed": confirmed,
        "people": people, "result": result, "labels": FIELD_LABELS})


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    _staff(request, "review")
    status = request.GET.get("status", "proposed")
    if status not in ("proposed", "confirmed", "rejected"):
        status = "proposed"
    links = selectors.review_queue(request.user, status=status)
    audit_record(user=request.user, action="linkage_review_list",
                 detail=f"{status}: {len(links)} links")
    return render(request, "linkage/review_list.html", {"links": links, "status": status})


def _side(staff: Any, record: LinkRecord, visible: set[int], domestic: set[int]
          ) -> dict[str, Any]:
    """One record of a link: its contact details only as the permission matrix allows for
    the user's relationship to that record's case (another force's case: never)."""
    victim = record.victim
    contact, _hidden = fields_visible(
        staff.role, case_relationship(staff.organisation_id, record.case), "victim",
        victim.contact, domestic_abuse=record.case_id in domestic)
    return {"record": record, "victim": victim, "case": record.case,
            "case_visible": record.case_id in visible, "contact": contact}


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff = _staff(request, "review")
    link = selectors.access_link(request.user, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            link_decide(user=request.user, link=link, decision=form.cleaned_data["decision"],
                        reason=form.cleaned_data["reason"], now=clock.now())
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            audit_record(user=request.user, action=f"linkage_link_{link.status}",
                         case_reference=link.left.case.reference,
                         victim_key=link.left.victim.key,
                         detail=f"link {link.pk} with {link.right.case.reference}/"
                                f"{link.right.victim.key}: {link.reason}")
            messages.success(request, _("Decision recorded."))
            return redirect("linkage-review")
    case_ids = [link.left.case_id, link.right.case_id]
    visible = selectors.visible_case_ids(request.user, case_ids)
    domestic = set(Event.objects.filter(case_id__in=case_ids, type="crime.reported",
                                        data__domestic_abuse=True)
                   .values_list("case_id", flat=True))
    audit_record(user=request.user, action="linkage_review_view",
                 case_reference=link.left.case.reference, victim_key=link.left.victim.key,
                 detail=f"link {link.pk} with {link.right.case.reference}/"
                        f"{link.right.victim.key}")
    return render(request, "linkage/review_detail.html", {
        "link": link, "form": form, "comparison": selectors.link_comparison(link),
        "left": _side(staff, link.left, visible, domestic),
        "right": _side(staff, link.right, visible, domestic),
        "decisions": link.decisions.all(), "labels": FIELD_LABELS})


@login_required
def person(request: HttpRequest, record_id: int) -> HttpResponse:
    """A person's history across cases: the records confirmed to be them."""
    _staff(request, "lookup")
    record = selectors.access_record(request.user, record_id)
    ids = selectors.person_record_ids(record.pk)
    found = selectors.history(request.user, ids)
    audit_record(user=request.user, action="linkage_person_view",
                 case_reference=record.case.reference, victim_key=record.victim.key,
                 detail=f"{found.total} records")
    return render(request, "linkage/person.html", {"record": record, "history": found})


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    _staff(request, "categorise")
    proposals = selectors.proposals_visible(request.user)
    audit_record(user=request.user, action="linkage_proposals_list",
                 detail=f"{len(proposals)} proposals")
    return render(request, "linkage/proposal_list.html", {"proposals": proposals})


@login_required
@require_http_methods(["GET", "POST"])
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "categorise")
    proposal = selectors.access_proposal(request.user, pk)
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal_decide(user=request.user, proposal=proposal,
                            decision=form.cleaned_data["decision"],
                            reason=form.cleaned_data["reason"], now=clock.now())
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            audit_record(user=request.user, action=f"linkage_category_{proposal.status}",
                         case_reference=proposal.record.case.reference,
                         victim_key=proposal.record.victim.key,
                         detail=f"{proposal.rule}: {proposal.reason}")
            messages.success(request, _("Decision recorded."))
            return redirect("linkage-proposals")
    evidence_ids = [item["record"] for item in proposal.evidence]
    found = selectors.history(request.user, evidence_ids)
    audit_record(user=request.user, action="linkage_proposal_view",
                 case_reference=proposal.record.case.reference,
                 victim_key=proposal.record.victim.key, detail=proposal.rule)
    return render(request, "linkage/proposal_detail.html", {
        "proposal": proposal, "form": form, "history": found})
