"""OpenID Connect sign-in (optional): the identity provider proves who someone is; this
service decides what they may do. Only an existing member of staff, matched by email, may sign
in; nobody is created on first sign-in."""

from __future__ import annotations

from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class StaffOIDCBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims):
        email = claims.get("email")
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, staff__isnull=False,
                                             is_active=True)
