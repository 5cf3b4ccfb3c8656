"""Signing in through a real SAML 2.0 identity provider that the test starts (pysaml2):
tests/support/saml.py."""

from __future__ import annotations

import base64
import re
from urllib.parse import parse_qs, urlencode

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from profiles.models import Person
from profiles.services import DirectoryEntry, directory_upsert
from tests.browser.conftest import console_errors
from tests.support.oidc import ProviderPerson
from tests.support.saml import SamlIdentityProvider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
User = get_user_model()
IDA = ProviderPerson("ida", "ida@example.org", "ida-idp-password", "Ida", "Imported")
ORG = "company"


@pytest.fixture(scope="module")
def identity_provider(live_server):
    site = f"{live_server.url}/accounts/saml/{ORG}"
    started = SamlIdentityProvider(
        sp_entity_id=f"{site}/metadata/", acs_url=f"{site}/acs/", people=[IDA]
    ).start()
    yield started
    started.stop()


@pytest.fixture
def saml_app(identity_provider, settings):
    # The provider vouches for its own domain; SAML has no standard email_verified attribute.
    settings.SSO_TRUSTED_EMAIL_DOMAINS = ["example.org"]
    return SocialApp.objects.create(
        provider="saml",
        provider_id=ORG,
        name="Company SAML",
        client_id=ORG,
        settings={
            "idp": {
                "entity_id": identity_provider.entity_id,
                "sso_url": identity_provider.sso_url,
                "x509cert": identity_provider.certificate_body,
            },
            "advanced": {
                "want_assertion_signed": True,
                "want_message_signed": True,
                # The test site runs on http://localhost.
                "allow_single_label_domains": True,
            },
        },
    )


@pytest.fixture
def ida():
    directory_upsert(
        entries=[DirectoryEntry(email=IDA.email, first_name="Ida", last_name="Imported")]
    )
    return User.objects.get(email=IDA.email)


def sign_in_at_identity_provider(page) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Company SAML").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Test SAML identity provider")).to_be_visible()
    page.get_by_label("Username").fill(IDA.username)
    page.get_by_label("Password").fill(IDA.password)
    page.get_by_role("button", name="Log in").click()


def test_the_imported_person_signs_in_through_the_saml_identity_provider(page, saml_app, ida):
    sign_in_at_identity_provider(page)

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", name="Welcome, Ida")).to_be_visible()
    assert User.objects.filter(email__iexact=IDA.email).count() == 1
    assert Person.objects.filter(user__email__iexact=IDA.email).count() == 1
    assert SocialAccount.objects.get(provider=ORG).user == ida


def test_a_tampered_assertion_is_refused(browser, live_server, saml_app, ida, make_user):
    # Its own page: the refusal answers 401, which the browser reports on the console.
    context = browser.new_context(base_url=live_server.url, timezone_id="UTC")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = console_errors(page)
    admin = make_user(email="admin@example.org", is_staff=True, is_superuser=True)

    def tamper(route):
        form = {key: values[0] for key, values in parse_qs(route.request.post_data).items()}
        signed = base64.b64decode(form["SAMLResponse"])
        assert IDA.email.encode() in signed
        form["SAMLResponse"] = base64.b64encode(
            signed.replace(IDA.email.encode(), admin.email.encode())
        ).decode()
        route.continue_(post_data=urlencode(form))

    page.route(f"**/accounts/saml/{ORG}/acs/", tamper)
    sign_in_at_identity_provider(page)

    expect(page.get_by_role("heading", name="Third-Party Login Failure")).to_be_visible()
    assert not SocialAccount.objects.exists()
    page.goto("/dashboard/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/dashboard/"))
    context.close()
    assert errors == [
        "Failed to load resource: the server responded with a status of 401 (Unauthorized)"
    ]
