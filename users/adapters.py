"""allauth's hooks: who may create an account, and who may sign in how.

People come from the HR import, so sign-up is closed unless SIGNUP_ALLOWED_EMAIL_DOMAINS lists
the organisation's domains; then only addresses at those domains may sign up, by password or
through the identity provider. Someone already imported signs in: a verified address from the
identity provider links to their account (SOCIALACCOUNT_EMAIL_AUTHENTICATION), never a second one.

With SSO_ONLY, the identity provider is the only way in, except for the break-glass site admins
named in SSO_BREAK_GLASS_EMAILS: every other sign-in (password, emailed code, a confirmation or
password-reset link) is refused.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import clear_login
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].lower()


def email_domain_allowed(email: str) -> bool:
    return email_domain(email) in settings.SIGNUP_ALLOWED_EMAIL_DOMAINS


def may_sign_in_without_sso(email: str) -> bool:
    return not settings.SSO_ONLY or email.lower() in settings.SSO_BREAK_GLASS_EMAILS


def sso_only_message() -> str:
    return _("Sign in through your organisation's single sign-on.")


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.SIGNUP_ALLOWED_EMAIL_DOMAINS) and not settings.SSO_ONLY

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if settings.SIGNUP_ALLOWED_EMAIL_DOMAINS and not email_domain_allowed(email):
            raise ValidationError(
                _("Use your organisation's email address (%(domains)s).")
                % {"domains": ", ".join(settings.SIGNUP_ALLOWED_EMAIL_DOMAINS)}
            )
        return email

    def authenticate(self, request: HttpRequest, **credentials: Any):
        # Before the password is checked, so the answer says nothing about it.
        if not may_sign_in_without_sso(credentials.get("email") or ""):
            raise ValidationError(sso_only_message())
        return super().authenticate(request, **credentials)

    def pre_login(self, request: HttpRequest, user, **kwargs: Any) -> HttpResponse | None:
        through_sso = "sociallogin" in (kwargs.get("signal_kwargs") or {})
        if not through_sso and not may_sign_in_without_sso(user.email):
            clear_login(request)
            messages.error(request, sso_only_message())
            return redirect("account_login")
        return super().pre_login(request, user, **kwargs)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # Only reached for an identity that matched no account: a new person.
        email = sociallogin.user.email or ""
        return bool(email) and email_domain_allowed(email)

    def authenticate_by_email(self, sociallogin: SocialLogin):
        # Some providers (Entra ID) send no `email_verified` claim for addresses they own.
        for address in sociallogin.email_addresses:
            if email_domain(address.email) in settings.SSO_TRUSTED_EMAIL_DOMAINS:
                address.verified = True
        return super().authenticate_by_email(sociallogin)

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        # The provider vouches for the address of the person it signs in: record it as
        # verified, as following an invitation link does, or allauth would ask to confirm it.
        user = sociallogin.user
        if user is None or user.pk is None:
            return
        for address in sociallogin.email_addresses:
            if address.verified and address.email.lower() == user.email.lower():
                EmailAddress.objects.filter(user=user, email__iexact=user.email).update(
                    verified=True
                ) or EmailAddress.objects.create(
                    user=user,
                    email=user.email,
                    verified=True,
                    primary=not EmailAddress.objects.filter(user=user, primary=True).exists(),
                )
