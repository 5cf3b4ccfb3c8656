"""Sign-up is closed unless the organisation's domains are listed; an identity provider's
verified address signs in the person already imported with it, never a second account."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialLogin
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from mentoring.settings.env import env_domains
from profiles.models import Person
from profiles.services import DirectoryEntry, directory_upsert

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "a-long-new-password-81723"


def sign_up(client, email: str):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def test_sign_up_is_closed_by_default(client):
    page = client.get(reverse("account_signup"))
    assert "Sign Up Closed" in page.content.decode()
    sign_up(client, "newcomer@example.org")
    assert not User.objects.filter(email="newcomer@example.org").exists()


def test_sign_up_opens_to_the_listed_domains_only(client, settings):
    settings.SIGNUP_ALLOWED_EMAIL_DOMAINS = ["example.org"]
    refused = sign_up(client, "outsider@elsewhere.example")
    assert refused.status_code == 200
    assert "Use your organisation&#x27;s email address (example.org)." in refused.content.decode()
    assert not User.objects.filter(email="outsider@elsewhere.example").exists()

    sign_up(client, "newcomer@example.org")
    assert User.objects.filter(email="newcomer@example.org").exists()


def test_allowed_domains_setting_refuses_a_malformed_domain(monkeypatch):
    monkeypatch.setenv("SIGNUP_ALLOWED_EMAIL_DOMAINS", "Example.org, @corp.example.com")
    assert env_domains("SIGNUP_ALLOWED_EMAIL_DOMAINS") == ["example.org", "corp.example.com"]
    monkeypatch.setenv("SIGNUP_ALLOWED_EMAIL_DOMAINS", "example.org,not a domain")
    with pytest.raises(ImproperlyConfigured, match="SIGNUP_ALLOWED_EMAIL_DOMAINS"):
        env_domains("SIGNUP_ALLOWED_EMAIL_DOMAINS")


def provider_login(email: str, *, verified: bool) -> SocialLogin:
    SocialApp.objects.get_or_create(
        provider="openid_connect",
        provider_id="company-sso",
        defaults={
            "name": "Company SSO",
            "client_id": "mentoring",
            "settings": {"server_url": "https://idp.example.org"},
        },
    )
    account = SocialAccount(provider="company-sso", uid="subject-1")
    request = RequestFactory().get("/")
    return SocialLogin(
        user=User(email=email),
        account=account,
        provider=get_adapter(request).get_provider(request, "company-sso"),
        email_addresses=[EmailAddress(email=email, verified=verified, primary=True)],
    )


def imported_person(email: str) -> Person:
    directory_upsert(entries=[DirectoryEntry(email=email, first_name="Ida", last_name="Imp")])
    return Person.objects.get(user__email=email)


def test_a_verified_provider_address_finds_the_imported_person():
    person = imported_person("ida@example.org")
    login = provider_login("ida@example.org", verified=True)
    login.lookup()
    assert login.user == person.user


def test_an_unverified_provider_address_finds_nobody():
    imported_person("ida@example.org")
    login = provider_login("ida@example.org", verified=False)
    login.lookup()
    assert login.user.pk is None


def test_identity_provider_sign_up_follows_the_allowed_domains(settings):
    request = RequestFactory().get("/")
    adapter = get_adapter(request)
    newcomer = provider_login("newcomer@example.org", verified=True)
    assert not adapter.is_open_for_signup(request, newcomer)
    settings.SIGNUP_ALLOWED_EMAIL_DOMAINS = ["example.org"]
    assert adapter.is_open_for_signup(request, newcomer)
    outsider = provider_login("outsider@elsewhere.example", verified=True)
    assert not adapter.is_open_for_signup(request, outsider)
