"""`Authorization: Bearer <token>` (or `Token <token>`) for the API, and what a token's scope
allows."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions, permissions

from api.access import can_use_api
from api.models import ApiToken
from api.services import api_token_find

KEYWORDS = ("bearer", "token")


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].decode(errors="replace").lower() not in KEYWORDS:
            return None  # not ours: the session may still sign the request
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the header as “Authorization: Bearer <token>”.")
            )
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        token = api_token_find(secret)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Makes an unauthenticated request a 401 with this challenge, not a 403.
        return 'Bearer realm="api"'


class ApiUser(permissions.BasePermission):
    """Coordinators, HR viewers and site admins; a read-only token only reads."""

    message = "The API is for coordinators, HR viewers and site admins."

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        if not can_use_api(request.user):
            return False
        token = request.auth
        if (
            isinstance(token, ApiToken)
            and not token.can_write
            and request.method not in permissions.SAFE_METHODS
        ):
            self.message = _("This token is read-only.")
            return False
        return True
