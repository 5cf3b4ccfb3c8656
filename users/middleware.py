from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from urllib.parse import urlsplit

from allauth.mfa.utils import is_mfa_enabled
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect


class UserTimezoneMiddleware:
    """Shows every time in the signed-in person's own time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class UserLanguageMiddleware:
    """Pages in the signed-in person's own language when they chose one; otherwise
    LocaleMiddleware's choice from the browser stands."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None else ""
        if language and user.is_authenticated:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


# What a person who must set up two-factor may still open: the setup itself, signing out, and
# confirming who they are again (which setup asks for after a while, through the identity
# provider for people who sign in with it).
TWO_FACTOR_SETUP_PAGES = {
    "account_logout",
    "account_reauthenticate",
    "socialaccount_login_error",
    "socialaccount_login_cancelled",
    "core:healthz",
    # The navigation's own unread counts, polled by every page (the set-up pages too): a
    # person's own count, nothing of anyone else's, and a redirect there would pull the
    # person away from the set-up they are in.
    "conversations:unread_badge",
    "notifications:bell",
}


def must_set_up_two_factor(user: object) -> bool:
    return (
        settings.TWO_FACTOR_REQUIRED
        and getattr(user, "is_authenticated", False)
        and user.sees_everyones_data()
        and not is_mfa_enabled(user)
    )


class TwoFactorRequiredMiddleware:
    """With TWO_FACTOR_REQUIRED, sends site admins, coordinators and HR viewers who have no
    authenticator yet to set one up, from every page but the setup and signing out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name in TWO_FACTOR_SETUP_PAGES:
            return None
        if match.url_name and match.url_name.startswith("mfa_"):
            return None
        # An identity provider's sign-in and callback, for confirming who one is again.
        if view_func.__module__.startswith("allauth.socialaccount.providers"):
            return None
        if not must_set_up_two_factor(request.user):
            return None
        messages.warning(
            request,
            _("Your role lets you see everyone's data: set up two-factor sign-in to continue."),
        )
        setup = reverse("mfa_activate_totp")
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(setup)
        return redirect(setup)


def identity_provider_origin(request: HttpRequest, view_kwargs: dict) -> str | None:
    """The origin of the provider that the view hands over to: an OpenID Connect provider's
    issuer, or a SAML identity provider's sign-on (or metadata) address."""
    adapter = get_social_adapter(request)
    try:
        if "provider_id" in view_kwargs:
            app = adapter.get_provider(request, view_kwargs["provider_id"]).app
            url = (app.settings or {}).get("server_url", "") if app else ""
        elif "organization_slug" in view_kwargs:
            app = adapter.get_app(
                request, provider="saml", client_id=view_kwargs["organization_slug"]
            )
            idp = (app.settings or {}).get("idp", {})
            url = idp.get("sso_url") or idp.get("metadata_url") or ""
        else:
            return None
    except SocialApp.DoesNotExist:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


class IdentityProviderFormActionMiddleware:
    """The page that hands a person over to an identity provider posts a form answered by a
    redirect to the provider. Browsers hold that redirect to the page's CSP form-action, so
    the provider's origin is added there, on that page only."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        origin = getattr(request, "identity_provider_origin", None)
        if origin:
            response._csp_update = {"form-action": [origin]}
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if view_func.__module__.startswith("allauth.socialaccount.providers"):
            request.identity_provider_origin = identity_provider_origin(request, view_kwargs)
