"""How the walk exercises each URL pattern of config/urls.py, and what the matrix says of it.

Every pattern that `django.urls.get_resolver()` lists must have an entry here (admin pages
are generated from the admin site itself): `test_every_url_pattern_is_walked` fails on a new
page the walk does not know. A route names the row of the permission matrix that gates it
(record kind, field set and, for a page of no one case, the relationship it is asked with);
a route bound to records is requested once per record (a case of each relationship, a link,
a delivery...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from tests.security_matrix.conftest import CASES, World

# Who is refused how, outside the matrix: anonymous visitors of the workspace go to its
# sign-in page, of the portal to the portal's, of the admin site to the admin's.
AUDIENCES = ("public", "workspace", "portal", "admin", "api")
SIGN_IN = {"workspace": "/sign-in/", "portal": "/portal/sign-in/", "admin": "/admin/login/"}

Url = Callable[[World, str], str]


@dataclass(frozen=True)
class Route:
    audience: str
    url: Url
    kind: str = ""
    fields: str = ""
    relationship: str = ""  # the one it is asked with; else (bound routes) the target's
    targets: tuple[str, ...] = ("-",)
    method: str = "GET"
    data: dict[str, Any] = field(default_factory=dict)
    ok: int = 200  # the status when allowed
    ok_location: str = ""  # a redirect's target when allowed (ok 302)
    public: Callable[[str], int] | None = None  # public routes: principal -> status
    compare: bool = False  # shows a link's other record (name) to reviewers

    @property
    def bound(self) -> bool:
        return self.targets != ("-",)


def _ref(world: World, target: str) -> str:
    return CASES[target].reference


def _fixed(path: str) -> Url:
    return lambda world, target: path


def _everyone(status: int) -> Callable[[str], int]:
    return lambda principal: status


def _sign_in_status(principal: str) -> int:
    """The workspace sign-in page sends a signed-in user on (redirect_authenticated_user)."""
    return 302 if principal in STAFF_PRINCIPALS or principal == "unlinked" else 200


STAFF_PRINCIPALS: tuple[str, ...] = ()  # set by the walk (the roles); read by _sign_in_status

# A case of each relationship (none_da_2 is there for a link between two other forces' cases).
CASE_TARGETS = ("own_da", "own_plain", "involved_da", "none_da")
METRIC = "entitlement.written_ack_of_crime"
ENTITLEMENT = "written_info_leaflet"


def _letter(world: World, target: str) -> str:
    return f"/cases/{_ref(world, target)}/letter/?event={target}-5&victim=V1"


ROUTES: dict[str, Route] = {
    # Public pages: the same for everybody, and no victim's record on them.
    "home": Route("public", _fixed("/"), public=_everyone(200)),
    "feed-schema": Route("public", _fixed("/schema/event-feed/v1.json"), public=_everyone(200)),
    "catalogue": Route("public", _fixed("/code/"), public=_everyone(200)),
    "healthz": Route("public", _fixed("/healthz"), public=_everyone(200)),
    "language": Route("public", _fixed("/language/cy/?next=/code/"), public=_everyone(302)),
    "set_language": Route("public", _fixed("/i18n/setlang/"), method="POST",
                          data={"language": "en", "next": "/code/"}, public=_everyone(302)),
    "^assets/(?P<path>.*)$": Route("public", _fixed("/assets/manifest.json"),
                                   public=_everyone(200)),
    "sign-in": Route("public", _fixed("/sign-in/"), public=_sign_in_status),
    "sign-out": Route("public", _fixed("/sign-out/"), method="POST", public=_everyone(302)),
    "portal-start": Route("public", _fixed("/portal/"), public=_everyone(200)),
    "portal-sign-in": Route("public", _fixed("/portal/sign-in/"), public=_everyone(200)),
    # Without a reference entered first, the code page sends everyone back to sign in.
    "portal-code": Route("public", _fixed("/portal/code/"), public=_everyone(302)),
    "portal-sign-out": Route("public", _fixed("/portal/sign-out/"), method="POST",
                             public=_everyone(302)),
    # GOV.UK Notify's receipts: refused without the callback's bearer token, whoever calls.
    "notifications-notify-callback": Route("public", _fixed("/notifications/notify/callback/"),
                                           method="POST", public=_everyone(401)),
    "api:openapi-json": Route("public", _fixed("/api/openapi.json"), public=_everyone(200)),
    "api:openapi-view": Route("public", _fixed("/api/docs"), public=_everyone(200)),
    "api:api-root": Route("public", _fixed("/api/"), public=_everyone(404)),
    "api/^": Route("public", _fixed("/api/v2/cases"), public=_everyone(404)),
    # OpenID Connect (only when OIDC_ENABLED): the identity provider's round trip.
    "oidc_authentication_init": Route("public", _fixed("/oidc/authenticate/"),
                                      public=_everyone(302)),
    "oidc_authentication_callback": Route("public", _fixed("/oidc/callback/"),
                                          public=_everyone(302)),
    "oidc_logout": Route("public", _fixed("/oidc/logout/"), method="POST",
                         public=_everyone(302)),
    # The workspace.
    "my-duties": Route("workspace", _fixed("/duties/"), "duty", "read", "own"),
    "team": Route("workspace", _fixed("/duties/team/"), "duty", "team", "own"),
    "case-search": Route("workspace", _fixed("/cases/"), "case", "summary", "own"),
    "new-case": Route("workspace", _fixed("/cases/new/"), "case", "create", "own"),
    # An existing reference: a force that may open cases is sent to the case (which answers
    # 404 if it may not see it). That a reference is taken cannot be hidden from one who
    # would open it (docs/SECURITY.md, open risks).
    "new-case-report": Route("workspace", lambda w, t: f"/cases/new/{_ref(w, t)}/report/",
                             "case", "create", "own", targets=CASE_TARGETS, ok=302),
    "case-detail": Route("workspace", lambda w, t: f"/cases/{_ref(w, t)}/", "case", "summary",
                         targets=CASE_TARGETS),
    "record-choose": Route("workspace", lambda w, t: f"/cases/{_ref(w, t)}/record/", "event",
                           "record", targets=CASE_TARGETS),
    "record-event": Route("workspace", lambda w, t: f"/cases/{_ref(w, t)}/record/flag.set/",
                          "event", "record", targets=CASE_TARGETS),
    "letter": Route("workspace", _letter, "victim", "identity", targets=CASE_TARGETS),
    # Inspection: national aggregates, and case files for those who read every case.
    "inspection-overview": Route("workspace", _fixed("/inspection/"), "report", "aggregates",
                                 "none"),
    "inspection-metric": Route("workspace", _fixed(f"/inspection/metrics/{METRIC}/"), "report",
                               "aggregates", "none"),
    "inspection-samples": Route("workspace", _fixed("/inspection/samples/"), "report",
                                "case_files", "none"),
    "inspection-sample": Route("workspace", lambda w, t: f"/inspection/samples/{w.sample_id}/",
                               "report", "aggregates", "none"),
    "inspection-judge": Route(
        "workspace", lambda w, t: f"/inspection/samples/{w.sample_id}/files/{w.file_id}/",
        "report", "case_files", "none"),
    "inspection-import": Route("workspace", _fixed("/inspection/judgements/import/"), "report",
                               "case_files", "none"),
    # Notifications: the supervisors' page; a retry of their own organisation's notice.
    "notifications-supervise": Route("workspace", _fixed("/notifications/"), "notice",
                                     "supervise", "own"),
    "notifications-retry": Route(
        "workspace", lambda w, t: f"/notifications/deliveries/{w.deliveries[t]}/retry/",
        "notice", "supervise", targets=("own", "none"), method="POST", ok=302,
        ok_location="/notifications/"),
    # Repeat-victim linkage.
    "linkage-home": Route("workspace", _fixed("/linkage/"), "linkage_record", "lookup",
                          "involved"),
    "linkage-first-contact": Route("workspace", _fixed("/linkage/first-contact/"),
                                   "linkage_record", "lookup", "involved"),
    "linkage-victim": Route("workspace", lambda w, t: f"/linkage/cases/{_ref(w, t)}/victims/V1/",
                            "linkage_record", "lookup", targets=CASE_TARGETS),
    "linkage-review": Route("workspace", _fixed("/linkage/review/"), "linkage_record",
                            "review", "involved", compare=True),
    # A link between Kent's case and another force's ("own"), and between two other forces'.
    "linkage-review-detail": Route("workspace", lambda w, t: f"/linkage/review/{w.links[t]}/",
                                   "linkage_record", "review", targets=("own", "none"),
                                   compare=True),
    "linkage-person": Route("workspace", lambda w, t: f"/linkage/people/{w.records[t]}/",
                            "linkage_record", "lookup", targets=CASE_TARGETS),
    "linkage-proposals": Route("workspace", _fixed("/linkage/proposals/"), "linkage_record",
                               "categorise", "involved"),
    "linkage-proposal-detail": Route(
        "workspace", lambda w, t: f"/linkage/proposals/{w.proposals[t]}/", "linkage_record",
        "categorise", targets=("own_da", "none_da")),
    # The portal: the victim's own case only (the victim comes from the session).
    "portal-case": Route("portal", _fixed("/portal/case/"), "case", "summary", "own"),
    "portal-rights": Route("portal", _fixed("/portal/rights/"), "duty", "read", "own"),
    "portal-messages": Route("portal", _fixed("/portal/messages/"), "notice", "read", "own"),
    # The victim's own contact details and safe-contact notes (their case is domestic abuse).
    "portal-preferences": Route("portal", _fixed("/portal/preferences/"), "victim",
                                "contact_domestic_abuse", "own"),
    "portal-updates": Route("portal", _fixed("/portal/updates/"), "event", "record", "own"),
    "portal-vps": Route("portal", _fixed("/portal/statement/"), "event", "record", "own"),
    "portal-review": Route("portal", _fixed("/portal/review/"), "event", "record", "own"),
    "portal-complaint": Route("portal", _fixed("/portal/complaint/"), "event", "record", "own"),
    "portal-rate": Route("portal", _fixed(f"/portal/rate/{ENTITLEMENT}/"), "event", "record",
                         "own"),
    "portal-data": Route("portal", _fixed("/portal/your-data/"), "victim", "access_request",
                         "own"),
}

# --- the URL patterns, as the resolver lists them ----------------------------------------------

@dataclass(frozen=True)
class Pattern:
    route: str  # the pattern as written, prefixes joined
    name: str  # "namespace:name", or the pattern itself when unnamed
    namespace: str


def url_patterns() -> list[Pattern]:
    out: list[Pattern] = []

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = ":".join(x for x in (namespace, p.namespace or "") if x)
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                qualified = f"{namespace}:{p.name}" if namespace else p.name
                name = qualified if p.name else route
                out.append(Pattern(route, name, namespace))

    walk(get_resolver().url_patterns, "", "")
    return out


# --- the admin site: every pattern of it, exercised on a real object ---------------------------

def _admin_login_status(principal: str) -> int:
    """The admin's sign-in page sends an administrator on to the admin; anyone else sees it."""
    return 302 if principal == "administrator" else 200


# The admin's own sign-in and sign-out are open to everybody; every other admin page is for
# administrators only (the matrix's audit log and accounts: `audit` `read`).
ADMIN_PUBLIC: dict[str, Route] = {
    "admin:login": Route("public", _fixed("/admin/login/"), public=_admin_login_status),
    "admin:logout": Route("public", _fixed("/admin/logout/"), method="POST",
                          public=_everyone(302)),
}


def admin_path(pattern: Pattern, world: World) -> str:
    """A concrete path for an admin pattern: object ids are real objects of the world."""
    route = pattern.route
    label = next((m._meta.label_lower for m in admin.site._registry
                  if route.startswith(f"admin/{m._meta.app_label}/{m._meta.model_name}/")),
                 None)
    object_id = world.objects.get(label or "", "1")
    path = (route.replace("<path:object_id>", object_id).replace("<id>", object_id)
            .replace("<path:content_type_id>", "1"))
    if "(?P<app_label>" in path:
        path = "admin/auth/"
    if "(?P<url>" in path:
        path = "admin/nothing-here/"
    return "/" + path
