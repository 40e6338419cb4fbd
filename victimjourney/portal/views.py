"""The victim portal: a victim's own case, rights and actions, in English or Welsh.

A victim only ever reaches their own case: the victim comes from the session, never from the
URL. Every page read is audited; every action writes a journey event.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from victimjourney.audit.services import audit_record
from victimjourney.code.editions import all_entitlements
from victimjourney.core import clock
from victimjourney.portal import security, selectors, services
from victimjourney.portal.forms import (
    CodeForm,
    ComplaintForm,
    MessageForm,
    PreferencesForm,
    RatingForm,
    ReviewForm,
    SignInForm,
    UpdatesForm,
    VpsForm,
)
from victimjourney.privacy.requests import access_request, access_request_open
from victimjourney.victims.models import Victim
from victimjourney.web.views import language_remember

SESSION_VICTIM = "portal_victim"
SESSION_SEEN = "portal_seen"
SESSION_REFERENCE = "portal_reference"


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def portal_victim(view: Callable) -> Callable:
    """Require a live portal session (20 minutes idle at most) and pass the victim."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        victim_id = request.session.get(SESSION_VICTIM)
        seen = request.session.get(SESSION_SEEN)
        now = clock.now().timestamp()
        if not victim_id or not seen or now - seen > security.SESSION_IDLE.total_seconds():
            request.session.pop(SESSION_VICTIM, None)
            return redirect("portal-sign-in")
        victim = Victim.objects.select_related("case").filter(pk=victim_id).first()
        if victim is None:
            request.session.flush()
            return redirect("portal-sign-in")
        request.session[SESSION_SEEN] = now
        return view(request, victim, *args, **kwargs)

    return wrapper


def _audit(victim: Victim, action: str, detail: str = "") -> None:
    audit_record(user=None, action=f"portal_{action}", case_reference=victim.case.reference,
                 victim_key=victim.key, detail=detail or "by the victim")


def start(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/start.html")


def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.code_request(reference=form.cleaned_data["reference"],
                              contact=form.cleaned_data["contact"], ip=_client_ip(request))
        request.session[SESSION_REFERENCE] = form.cleaned_data["reference"].strip()
        return redirect("portal-code")
    return render(request, "portal/form.html", {
        "form": form, "title": _("Sign in to follow your case"),
        "intro": _("Enter your crime reference number and the email address or mobile number "
                   "you gave the police. We will send you a code.")})


def code(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(SESSION_REFERENCE)
    if not reference:
        return redirect("portal-sign-in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            victim = services.code_verify(reference=reference, code=form.cleaned_data["code"])
        except (services.CodeRejected, services.SignInLocked) as exc:
            form.add_error("code", str(exc))
        else:
            request.session.cycle_key()  # a new session id at sign-in
            request.session[SESSION_VICTIM] = victim.pk
            request.session[SESSION_SEEN] = clock.now().timestamp()
            request.session.set_expiry(int(security.SESSION_IDLE.total_seconds()))
            request.session.pop(SESSION_REFERENCE, None)
            _audit(victim, "sign_in")
            response = redirect("portal-case")
            if (settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
                    and victim.language in dict(settings.LANGUAGES)):
                # No language chosen on this browser: the portal speaks the victim's own.
                language_remember(request, response, victim.language)
            return response
    return render(request, "portal/form.html", {
        "form": form, "title": _("Enter your code"),
        "intro": _("If the details you gave match our records, we have sent a code to your "
                   "email address or mobile phone. It expires in 10 minutes."),
        "back": "portal-sign-in"})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    request.session.flush()
    messages.success(request, _("You have signed out."))
    return redirect("portal-start")


@portal_victim
def my_case(request: HttpRequest, victim: Victim) -> HttpResponse:
    _audit(victim, "view_case")
    today = clock.local_date(clock.now())
    return render(request, "portal/case.html", {
        "victim": victim, "timeline": selectors.victim_timeline(victim),
        "upcoming": selectors.upcoming_dates(victim, today),
        "contacts": selectors.named_contacts(victim)})


@portal_victim
def my_rights(request: HttpRequest, victim: Victim) -> HttpResponse:
    _audit(victim, "view_rights")
    return render(request, "portal/rights.html", {
        "victim": victim, "rights": selectors.victim_rights(victim)})


@portal_victim
def message(request: HttpRequest, victim: Victim) -> HttpResponse:
    _audit(victim, "view_messages")
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.victim_event(victim=victim, event_type="portal.message", data={
            "text": form.cleaned_data["text"], "direction": "from_victim"})
        messages.success(request, _("Your message has been sent to the team on your case."))
        return redirect("portal-messages")
    return render(request, "portal/messages.html", {
        "victim": victim, "form": form, "messages_list": selectors.victim_messages(victim)})


@portal_victim
def preferences(request: HttpRequest, victim: Victim) -> HttpResponse:
    _audit(victim, "view_preferences")  # the page shows the victim's contact details
    contact = victim.contact or {}
    form = PreferencesForm(request.POST or None, initial={
        "channel": contact.get("channel", "email"), "language": victim.language,
        "contact_times": contact.get("contact_times", ""),
        "safe_contact": contact.get("safe_contact", "")})
    if request.method == "POST" and form.is_valid():
        services.victim_event(victim=victim, event_type="victim.preferences_updated",
                              data={k: v for k, v in form.cleaned_data.items() if v})
        messages.success(request, _("Your contact preferences have been saved."))
        return redirect("portal-case")
    return render(request, "portal/form.html", {"form": form,
                                                "title": _("How we contact you")})


@portal_victim
def updates(request: HttpRequest, victim: Victim) -> HttpResponse:
    form = UpdatesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["updates"] == "no":
            services.victim_event(victim=victim, event_type="victim.opted_out",
                                  data={"entitlements": ["all"],
                                        "reason": "asked through the portal"})
        else:
            services.victim_event(victim=victim, event_type="victim.opted_in",
                                  data={"entitlements": ["all"]})
        if form.cleaned_data.get("vcs") == "yes":
            services.victim_event(victim=victim, event_type="vcs.opted_in", data={})
        elif form.cleaned_data.get("vcs") == "no":
            services.victim_event(victim=victim, event_type="vcs.opted_out", data={})
        messages.success(request, _("Your choices have been saved."))
        return redirect("portal-case")
    return render(request, "portal/form.html", {"form": form, "title": _("Updates")})


@portal_victim
def vps(request: HttpRequest, victim: Victim) -> HttpResponse:
    form = VpsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.victim_event(victim=victim, event_type="vps.made", data={
            "reading_preference": form.cleaned_data["reading_preference"],
            "statement": form.cleaned_data["statement"]})
        messages.success(request, _("Your Victim Personal Statement has been sent."))
        return redirect("portal-case")
    return render(request, "portal/form.html", {
        "form": form, "title": _("Make a Victim Personal Statement"),
        "intro": _("You can explain how the crime has affected you. The court will take it "
                   "into account if the offender is found guilty. You can update it later.")})


@portal_victim
def review(request: HttpRequest, victim: Victim) -> HttpResponse:
    choices = selectors.review_choices(victim)
    if not choices:
        return render(request, "portal/message.html", {
            "title": _("Ask for a decision to be reviewed"),
            "text": _("There is no decision on your case that can be reviewed.")})
    form = ReviewForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        decision = victim.case.events.get(id=form.cleaned_data["decision"])
        scheme = "cps" if decision.type == "cps.decision" else "police"
        services.victim_event(victim=victim, event_type="right_to_review.requested", data={
            "scheme": scheme, "decision": decision.id,
            "reasons": form.cleaned_data.get("reasons", "")})
        messages.success(request, _("Your request for a review has been sent."))
        return redirect("portal-case")
    return render(request, "portal/form.html", {
        "form": form, "title": _("Ask for a decision to be reviewed"),
        "intro": _("Under the Victims' Right to Review scheme you can ask for a decision not "
                   "to charge, or to stop a case, to be looked at again.")})


@portal_victim
def complaint(request: HttpRequest, victim: Victim) -> HttpResponse:
    choices = [(org.code, org.local_name) for org in selectors.named_contacts(victim)]
    form = ComplaintForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        services.victim_event(victim=victim, event_type="complaint.received", data={
            "about": form.cleaned_data["about"], "summary": form.cleaned_data["text"]})
        messages.success(request, _("Your complaint has been sent. The organisation must reply "
                                    "within 10 working days."))
        return redirect("portal-rights")
    return render(request, "portal/form.html", {
        "form": form, "title": _("Make a complaint"),
        "intro": _("If you have not had the services the Victims' Code says you should, you "
                   "can complain. If you are not happy with the answer, your MP can refer your "
                   "complaint to the Parliamentary and Health Service Ombudsman.")})


@portal_victim
def rate(request: HttpRequest, victim: Victim, entitlement: str) -> HttpResponse:
    titles = {e.id: e.title for e in all_entitlements()}
    if entitlement not in titles:
        raise Http404
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.victim_event(victim=victim, event_type="service.rated", data={
            "entitlement": entitlement, "rating": int(form.cleaned_data["rating"])})
        messages.success(request, _("Thank you for your feedback."))
        return redirect("portal-rights")
    return render(request, "portal/form.html", {"form": form, "title": _(titles[entitlement])})


@portal_victim
def your_data(request: HttpRequest, victim: Victim) -> HttpResponse:
    """Ask for a copy of the personal data held about you (UK GDPR art. 15). A person reads it
    before it is sent (other people's details are redacted), so the page takes the request
    and says by when it is due; asking again while one is open changes nothing."""
    if request.method == "POST":
        made, new = access_request(victim=victim, now=clock.now())
        if new:
            messages.success(request, _("We have your request. We will send you a copy of "
                                        "your personal data by %(date)s.")
                             % {"date": formats.date_format(made.due_on, "j F Y")})
        return redirect("portal-data")
    return render(request, "portal/data.html", {"open": access_request_open(victim)})
