"""The page that hands a person to the identity provider may post to it; no other page may."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialApp
from django.urls import reverse

pytestmark = pytest.mark.django_db


def form_action(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(part for part in policy.split(";") if part.strip().startswith("form-action"))


@pytest.mark.parametrize(
    ("provider", "settings_", "url"),
    [
        (
            "openid_connect",
            {"server_url": "https://login.example.com/realms/staff"},
            reverse("openid_connect_login", kwargs={"provider_id": "company"}),
        ),
        (
            "saml",
            {"idp": {"entity_id": "x", "sso_url": "https://login.example.com/sso", "x509cert": ""}},
            reverse("saml_login", kwargs={"organization_slug": "company"}),
        ),
    ],
)
def test_only_the_hand_over_page_may_post_to_the_provider(client, provider, settings_, url):
    SocialApp.objects.create(
        provider=provider, provider_id="company", name="Company", client_id="company",
        settings=settings_,
    )  # fmt: skip
    assert "https://login.example.com" in form_action(client.get(url))
    assert "login.example.com" not in form_action(client.get(reverse("account_login")))
