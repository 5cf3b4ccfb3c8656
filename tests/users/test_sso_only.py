"""SSO_ONLY: the identity provider is the only way in, except for break-glass site admins."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import get_adapter
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from mentoring.settings.env import env_emails, env_oidc_apps, env_saml_apps
from profiles.models import Person
from programs.invitations import invitation_token, link_signs_in
from programs.models import Enrolment
from programs.services import cohort_create, program_create
from tests.users.test_signup import imported_person, provider_login

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("portal:dashboard")


@pytest.fixture
def sso_only(settings):
    settings.SSO_ONLY = True
    settings.SSO_BREAK_GLASS_EMAILS = ["admin@example.org"]


def password_sign_in(client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_password_sign_in_is_refused_for_everyone_but_break_glass_admins(
    client, make_user, password, sso_only
):
    make_user(email="coordinator@example.org")
    refused = password_sign_in(client, "coordinator@example.org", password)
    assert refused.status_code == 200
    assert "Sign in through your organisation&#x27;s single sign-on." in refused.content.decode()
    assert client.get(DASHBOARD).status_code == 302

    make_user(email="admin@example.org", is_staff=True, is_superuser=True)
    assert password_sign_in(client, "Admin@example.org", password)["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


def test_without_the_setting_passwords_work_for_everyone(client, make_user, password):
    make_user(email="coordinator@example.org")
    assert password_sign_in(client, "coordinator@example.org", password)["Location"] == DASHBOARD


def test_an_emailed_sign_in_code_is_refused(client, make_user, sso_only):
    make_user(email="mentee@example.org")
    client.post(reverse("account_request_login_code"), {"email": "mentee@example.org"})
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.MULTILINE).group(1)
    client.post(reverse("account_confirm_login_code"), {"code": code})
    assert client.get(DASHBOARD).status_code == 302


def test_an_invitation_link_does_not_sign_in(client, sso_only):
    person = imported_person("ida@example.org")
    cohort = cohort_create(
        program=program_create(name="Leaders", slug="leaders"), name="2027", slug="l-2027"
    )
    enrolment = Enrolment.objects.create(cohort=cohort, person=person, role="mentee")
    assert not link_signs_in(person.user)
    response = client.post(f"/invitation/{invitation_token(enrolment)}/")
    assert response["Location"].startswith(reverse("account_login"))
    assert client.get(DASHBOARD).status_code == 302


def test_sign_up_by_password_is_closed_even_for_allowed_domains(client, settings, sso_only):
    settings.SIGNUP_ALLOWED_EMAIL_DOMAINS = ["example.org"]
    assert "Sign Up Closed" in client.get(reverse("account_signup")).content.decode()


def test_a_provider_that_owns_the_domain_needs_no_email_verified_claim(settings):
    person = imported_person("ida@example.org")
    login = provider_login("ida@example.org", verified=False)
    login.lookup()
    assert login.user.pk is None
    settings.SSO_TRUSTED_EMAIL_DOMAINS = ["example.org"]
    login = provider_login("ida@example.org", verified=False)
    login.lookup()
    assert login.user == person.user


def test_signing_in_through_the_provider_records_the_address_as_verified(rf):
    person = imported_person("ida@example.org")
    login = provider_login("ida@example.org", verified=True)
    login.lookup()
    get_adapter().pre_social_login(rf.get("/"), login)
    assert EmailAddress.objects.get(user=person.user).verified
    assert Person.objects.filter(user__email="ida@example.org").count() == 1


def test_the_provider_is_read_from_the_environment(monkeypatch):
    assert env_oidc_apps(provider_id="sso") == []
    monkeypatch.setenv("SSO_OIDC_ISSUER_URL", "https://login.example.org/realms/staff")
    monkeypatch.setenv("SSO_OIDC_CLIENT_ID", "mentoring")
    monkeypatch.setenv("SSO_OIDC_CLIENT_SECRET", "s3cret")
    assert env_oidc_apps(provider_id="sso") == [
        {
            "provider_id": "sso",
            "name": "Single sign-on",
            "client_id": "mentoring",
            "secret": "s3cret",
            "settings": {"server_url": "https://login.example.org/realms/staff"},
        }
    ]
    monkeypatch.delenv("SSO_OIDC_CLIENT_ID")
    with pytest.raises(ImproperlyConfigured, match="SSO_OIDC_CLIENT_ID"):
        env_oidc_apps(provider_id="sso")
    monkeypatch.setenv("SSO_OIDC_CLIENT_ID", "mentoring")
    monkeypatch.setenv("SSO_OIDC_ISSUER_URL", "login.example.org")
    with pytest.raises(ImproperlyConfigured, match="SSO_OIDC_ISSUER_URL"):
        env_oidc_apps(provider_id="sso")


def test_the_saml_identity_provider_is_read_from_the_environment(monkeypatch):
    assert env_saml_apps(organization="sso") == []
    monkeypatch.setenv("SSO_SAML_METADATA_URL", "https://idp.example.org/metadata")
    monkeypatch.setenv("SSO_SAML_ENTITY_ID", "https://idp.example.org/entity")
    [app] = env_saml_apps(organization="sso")
    assert app["client_id"] == "sso"
    assert app["settings"]["idp"] == {
        "metadata_url": "https://idp.example.org/metadata",
        "entity_id": "https://idp.example.org/entity",
    }
    monkeypatch.delenv("SSO_SAML_ENTITY_ID")
    with pytest.raises(ImproperlyConfigured, match="SSO_SAML_ENTITY_ID"):
        env_saml_apps(organization="sso")


def test_break_glass_addresses_must_be_addresses(monkeypatch):
    monkeypatch.setenv("SSO_BREAK_GLASS_EMAILS", "Root@Example.org, ops@example.org")
    assert env_emails("SSO_BREAK_GLASS_EMAILS") == ["root@example.org", "ops@example.org"]
    monkeypatch.setenv("SSO_BREAK_GLASS_EMAILS", "root")
    with pytest.raises(ImproperlyConfigured, match="SSO_BREAK_GLASS_EMAILS"):
        env_emails("SSO_BREAK_GLASS_EMAILS")
