"""allauth's hooks: who may create an account.

People come from the HR import, so sign-up is closed unless SIGNUP_ALLOWED_EMAIL_DOMAINS lists
the organisation's domains; then only addresses at those domains may sign up, by password or
through the identity provider. Someone already imported signs in: a verified address from the
identity provider links to their account (SOCIALACCOUNT_EMAIL_AUTHENTICATION), never a second one.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _


def email_domain_allowed(email: str) -> bool:
    domain = email.rpartition("@")[2].lower()
    return domain in settings.SIGNUP_ALLOWED_EMAIL_DOMAINS


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.SIGNUP_ALLOWED_EMAIL_DOMAINS)

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if settings.SIGNUP_ALLOWED_EMAIL_DOMAINS and not email_domain_allowed(email):
            raise ValidationError(
                _("Use your organisation's email address (%(domains)s).")
                % {"domains": ", ".join(settings.SIGNUP_ALLOWED_EMAIL_DOMAINS)}
            )
        return email


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # Only reached for an identity that matched no account: a new person.
        email = sociallogin.user.email or ""
        return bool(email) and email_domain_allowed(email)
