"""Signing in through a real OpenID Connect provider that the test starts: tests/support/oidc.py."""

from __future__ import annotations

import re

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from mentoring.settings.env import env_oidc_apps
from profiles.models import Person
from profiles.services import DirectoryEntry, directory_upsert
from tests.support.oidc import OidcProvider, ProviderPerson

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
User = get_user_model()
IDA = ProviderPerson("ida", "ida@example.org", "ida-provider-password", "Ida", "Imported")
UMA = ProviderPerson("uma", "uma@elsewhere.example", "uma-provider-password", "Uma", "Unknown")


@pytest.fixture(scope="module")
def provider(live_server):
    callback = f"{live_server.url}/accounts/oidc/sso/login/callback/"
    started = OidcProvider(redirect_uris=[callback], people=[IDA, UMA]).start()
    yield started
    started.stop()


def sign_in_at_provider(page, person: ProviderPerson, provider_name: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("link", name=provider_name).click()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("Username").fill(person.username)
    page.get_by_label("Password").fill(person.password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Authorize Mentoring?")).to_be_visible()
    page.get_by_role("button", name="Authorize").click()


def test_the_imported_person_signs_in_through_the_identity_provider(
    page, provider, settings, monkeypatch
):
    # Configured from the environment, as a deployment would be.
    monkeypatch.setenv("SSO_OIDC_ISSUER_URL", provider.issuer)
    monkeypatch.setenv("SSO_OIDC_CLIENT_ID", provider.client_id)
    monkeypatch.setenv("SSO_OIDC_CLIENT_SECRET", provider.client_secret)
    monkeypatch.setenv("SSO_OIDC_NAME", "Company SSO")
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": env_oidc_apps(provider_id="sso")}
    }
    directory_upsert(
        entries=[DirectoryEntry(email=IDA.email, first_name="Ida", last_name="Imported")]
    )
    imported = User.objects.get(email=IDA.email)

    sign_in_at_provider(page, IDA, "Company SSO")

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", name="Welcome, Ida")).to_be_visible()
    assert User.objects.filter(email__iexact=IDA.email).count() == 1
    assert Person.objects.filter(user__email__iexact=IDA.email).count() == 1
    assert SocialAccount.objects.get(provider="sso").user == imported


def test_an_unknown_address_is_refused_while_sign_up_is_closed(page, provider):
    # Configured in the admin, as a social application.
    app = SocialApp.objects.create(
        provider="openid_connect",
        provider_id="sso",
        name="Company SSO",
        client_id=provider.client_id,
        secret=provider.client_secret,
        settings={"server_url": provider.issuer},
    )
    assert app.pk

    sign_in_at_provider(page, UMA, "Company SSO")

    expect(page.get_by_role("heading", name="Sign Up Closed")).to_be_visible()
    expect(page.get_by_text("there is no account for this address yet")).to_be_visible()
    assert not User.objects.filter(email__iexact=UMA.email).exists()
    page.goto("/dashboard/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/dashboard/"))
