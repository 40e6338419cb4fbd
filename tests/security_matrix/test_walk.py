"""The permission walk: every URL pattern, requested by every kind of principal (each staff
role, a victim signed in to the portal, an API key, a user with no staff profile, an
anonymous visitor), against a case of each relationship to the principal's organisation,
asserting what the permission matrix (`accounts.permissions`) says:

- allowed: the page (200, or the redirect it makes), with the fields the matrix lets the
  principal see present;
- refused: 404, exactly as for a record that does not exist (never 403, which would say it
  exists); outside their audience, the sign-in page of the workspace, portal or admin;
- on every answer, allowed or not: no victim's name, contact details, safe-contact notes or
  crime reference that the matrix does not let the principal see;
- every answer that shows a victim's contact details wrote an audit entry naming the case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.test import Client

from tests.security_matrix import routes
from tests.security_matrix.conftest import CASES, NOW, World
from victimjourney.accounts.permissions import (
    MATRIX,
    RELATIONSHIPS,
    contact_visible,
    permitted,
)
from victimjourney.accounts.roles import ROLES
from victimjourney.audit.models import AuditEntry
from victimjourney.portal.views import SESSION_SEEN, SESSION_VICTIM

STAFF = tuple(ROLES)
PRINCIPALS = (*STAFF, "victim", "api_key", "unlinked", "anonymous")
routes.STAFF_PRINCIPALS = STAFF


def matrix_principal(principal: str) -> str | None:
    """The principal as the matrix names it; None for those granted nothing (an API key
    on a page is no session, a user with no profile has no role)."""
    return principal if principal in (*STAFF, "victim") else None


def relationship(principal: str, case: str) -> str:
    """Of the principal to a case: staff and keys are Kent Police's; the portal's victim is
    the victim on `own_da`."""
    if principal == "victim":
        return "own" if case == "own_da" else "none"
    return CASES[case].kent_relationship


def client_for(principal: str, world: World) -> Client:
    if principal == "api_key":
        return Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens['police:kent']}")
    client = Client()
    if principal in STAFF:
        client.force_login(world.users[principal])
    elif principal == "unlinked":
        client.force_login(world.unlinked)
    elif principal == "victim":
        session = client.session
        session[SESSION_VICTIM] = world.victims["own_da"].pk
        session[SESSION_SEEN] = NOW.timestamp()
        session.save()
    return client


# --- what the matrix says ----------------------------------------------------------------------

@dataclass(frozen=True)
class Expected:
    statuses: frozenset[int]
    location: str = ""  # a redirect's target starts with this
    allowed: bool = False


def target_relationship(route: routes.Route, principal: str, target: str) -> str:
    if route.relationship:
        return route.relationship
    if target in CASES:
        return relationship(principal, target)
    return target  # links and deliveries are named by their relationship


def expected(name: str, route: routes.Route, principal: str, target: str) -> Expected:
    if route.audience == "public":
        assert route.public is not None
        return Expected(frozenset({route.public(principal)}), allowed=True)
    who = matrix_principal(principal)
    if route.audience == "admin":
        if principal == "administrator":
            # Allowed: never sent to sign in; an object page may still be a 404 or the admin's
            # own 403 (adding to the append-only audit log).
            return Expected(frozenset({200, 302, 403, 404}), allowed=True)
        return Expected(frozenset({302}), location=routes.SIGN_IN["admin"])
    if route.audience == "portal":
        if principal != "victim":
            return Expected(frozenset({302}), location=routes.SIGN_IN["portal"])
        allowed = permitted("victim", route.relationship, route.kind, route.fields)
        return Expected(frozenset({200} if allowed else {404}), allowed=allowed)
    assert route.audience == "workspace", name
    if principal in ("anonymous", "victim", "api_key"):
        return Expected(frozenset({302}), location=routes.SIGN_IN["workspace"])
    if who is None:  # signed in, but no staff profile
        return Expected(frozenset({403, 404}))
    allowed = permitted(who, target_relationship(route, principal, target), route.kind,
                        route.fields)
    if not allowed:
        return Expected(frozenset({404}))
    location = route.ok_location
    if name == "new-case-report":
        location = f"/cases/{CASES[target].reference}/"
    return Expected(frozenset({route.ok}), location=location, allowed=True)


def may_see(route: routes.Route, principal: str, case: str, what: str) -> bool:
    """Whether PRINCIPAL may see WHAT (reference, identity or contact) of CASE on ROUTE."""
    who = matrix_principal(principal)
    if who is None:
        return False
    rel = relationship(principal, case)
    if what == "reference":
        return permitted(who, rel, "case", "summary")
    if what == "identity":
        return permitted(who, rel, "victim", "identity") or (
            route.compare and permitted(who, "none", "linkage_record", "compare"))
    return contact_visible(who, rel, domestic_abuse=CASES[case].domestic_abuse)


def must_show(name: str, principal: str, target: str) -> list[str]:
    """What an allowed page must show (the fields the matrix grants, not over-hidden)."""
    who = matrix_principal(principal)
    if who is None:
        return []
    if name == "case-detail":
        spec = CASES[target]
        shown = [spec.name, spec.reference]
        if contact_visible(who, relationship(principal, target),
                           domestic_abuse=spec.domestic_abuse):
            shown += spec.contact_markers
        return shown
    if name == "letter":
        return [CASES[target].reference]
    if name == "case-search":
        return [CASES["own_da"].reference, CASES["involved_da"].reference]
    if name == "portal-preferences":
        return [CASES["own_da"].safe_contact]
    if name == "linkage-review-detail" and target == "own":
        spec = CASES["own_da"]
        shown = [spec.name, CASES["none_da"].name]
        if contact_visible(who, "own", domestic_abuse=True):
            shown += list(spec.contact.values())
        return shown
    return []


# --- the rows ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    name: str
    route: routes.Route
    principal: str
    target: str
    admin_path: routes.Pattern | None = None

    @property
    def id(self) -> str:
        target = "" if self.target == "-" else f"[{self.target}]"
        return f"{self.name}{target}-{self.principal}"


def route_for(pattern: routes.Pattern) -> routes.Route | None:
    if pattern.name in routes.ADMIN_PUBLIC:
        return routes.ADMIN_PUBLIC[pattern.name]
    if pattern.namespace == "admin":
        return routes.Route("admin", lambda world, target: "")
    if pattern.namespace == "api" and pattern.name not in routes.ROUTES:
        return None  # an API operation: walked by test_api_walk from the OpenAPI schema
    return routes.ROUTES.get(pattern.name)


def rows() -> list[Row]:
    out = []
    for pattern in routes.url_patterns():
        route = route_for(pattern)
        if route is None:
            continue
        for principal in PRINCIPALS:
            for target in route.targets:
                out.append(Row(pattern.name, route, principal, target,
                               pattern if route.audience == "admin" else None))
    return out


ROWS = rows()


def api_path(route: str) -> str:
    """A URL pattern as the OpenAPI schema writes its path: api/v1/cases/<conv:reference> ->
    /api/v1/cases/{reference}."""
    return "/" + re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", route)


def test_every_url_pattern_is_walked():
    """A page the walk does not know fails here: add it to routes.ROUTES with its row of the
    matrix (API operations are walked from the OpenAPI schema by test_api_walk)."""
    from tests.security_matrix.test_api_walk import OPERATIONS

    operations = {op.path for op in OPERATIONS.values()}
    unknown = [p.name for p in routes.url_patterns()
               if route_for(p) is None and api_path(p.route) not in operations]
    assert unknown == []
    walked = {row.name for row in ROWS}
    assert walked >= {"case-detail", "portal-case", "admin:audit_auditentry_changelist",
                      "linkage-review-detail", "inspection-judge"}


def test_every_route_names_a_row_of_the_matrix():
    for name, route in routes.ROUTES.items():
        if route.audience in ("workspace", "portal"):
            assert ("administrator", "own", route.kind, route.fields) in MATRIX, name
            assert route.bound or route.relationship in RELATIONSHIPS, name


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_walk(row: Row, world: World):
    client = client_for(row.principal, world)
    if row.admin_path is not None:
        path = routes.admin_path(row.admin_path, world)
    else:
        path = row.route.url(world, row.target)
    post = row.route.method == "POST"
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.post(path, row.route.data) if post else client.get(path)
    want = expected(row.name, row.route, row.principal, row.target)
    assert response.status_code in want.statuses, (path, response.status_code, want)
    if want.location:
        assert response["Location"].startswith(want.location), response["Location"]
    content = (b"".join(response.streaming_content) if response.streaming
               else response.content)
    body = content.decode("utf-8", errors="replace")
    for key, spec in CASES.items():
        if not may_see(row.route, row.principal, key, "reference"):
            assert spec.reference not in body, f"{spec.reference} shown to {row.principal}"
        if not may_see(row.route, row.principal, key, "identity"):
            assert spec.name not in body, f"{spec.name} shown to {row.principal}"
        if not may_see(row.route, row.principal, key, "contact"):
            for marker in spec.contact_markers:
                assert marker not in body, f"{key} contact {marker!r} shown to {row.principal}"
    if want.allowed and response.status_code == 200:
        for marker in must_show(row.name, row.principal, row.target):
            assert marker in body, f"{marker!r} missing for {row.principal}"
    audited = set(AuditEntry.objects.filter(pk__gt=last).values_list("case_reference",
                                                                      flat=True))
    for spec in CASES.values():
        if any(marker in body for marker in spec.contact_markers):
            assert spec.reference in audited, f"{spec.key}'s contact shown, not audited"
