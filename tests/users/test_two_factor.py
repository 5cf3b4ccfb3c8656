"""Two-factor for the people who see everyone's data (TWO_FACTOR_REQUIRED)."""

from __future__ import annotations

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from tests.permissions import ADMIN, COORD, HR, MENTOR
from tests.test_permission_matrix import MATRIX
from users.middleware import TWO_FACTOR_SETUP_PAGES

pytestmark = pytest.mark.django_db
SETUP = reverse("mfa_activate_totp")


@pytest.fixture
def two_factor_required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def sign_in(client: Client, user, password: str):
    return client.post(reverse("account_login"), {"login": user.email, "password": password})


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def enrol_totp(client: Client, password: str) -> pyotp.TOTP:
    # Setting up asks for the password again, as any change to how one signs in does.
    page = client.get(SETUP, follow=True)
    assert page.redirect_chain[0][0].startswith(reverse("account_reauthenticate"))
    client.post(page.redirect_chain[0][0], {"password": password})
    page = client.get(SETUP)
    assert page.status_code == 200
    totp = pyotp.TOTP(page.context["form"].secret)
    refused = client.post(SETUP, {"code": wrong(totp.now())})
    assert refused.status_code == 200
    assert refused.context["form"].errors["code"]
    done = client.post(SETUP, {"code": totp.now()})
    assert done.status_code == 302, done.content
    return totp


def kept_from_setup(name: str) -> bool:
    return name in TWO_FACTOR_SETUP_PAGES or name.startswith(("mfa_", "openid_connect_", "saml_"))


@pytest.mark.parametrize("role", [COORD, ADMIN, HR])
def test_people_who_see_everyones_data_reach_no_page_before_setting_up_two_factor(
    role, world, two_factor_required
):
    client = Client()
    client.force_login(world["users"][role])
    urls = ["/admin/", "/admin/users/user/", "/admin/programs/program/"]
    for name, case in MATRIX.items():
        if case.method == "get" and not kept_from_setup(name):
            urls.append(reverse(name, kwargs=case.kwargs(world)))
    assert len(urls) > 60
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == SETUP, url
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302


def test_htmx_requests_are_sent_to_the_setup_page_too(world, two_factor_required):
    client = Client()
    client.force_login(world["users"][COORD])
    response = client.get(reverse("portal:dashboard"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == SETUP


def test_a_participant_is_not_asked_for_two_factor(world, two_factor_required):
    client = Client()
    client.force_login(world["users"][MENTOR])
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_without_the_setting_a_coordinator_is_not_asked(world, settings):
    settings.TWO_FACTOR_REQUIRED = False
    client = Client()
    client.force_login(world["users"][COORD])
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_site_admin_enrols_then_reaches_the_admin(world, password, two_factor_required):
    client = Client()
    admin = world["users"][ADMIN]
    assert sign_in(client, admin, password)["Location"] == reverse("portal:dashboard")
    assert client.get("/admin/")["Location"] == SETUP
    enrol_totp(client, password)
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_coordinator_signs_in_with_a_code_wrong_codes_refused_recovery_codes_work_once(
    world, password, two_factor_required
):
    coordinator = world["users"][COORD]
    client = Client()
    sign_in(client, coordinator, password)
    assert client.get(reverse("portal:dashboard"))["Location"] == SETUP
    totp = enrol_totp(client, password)
    assert client.get(reverse("portal:dashboard")).status_code == 200
    codes = Authenticator.objects.get(
        user=coordinator, type=Authenticator.Type.RECOVERY_CODES
    ).wrap()
    recovery = codes.get_unused_codes()[0]
    client.post(reverse("account_logout"))

    def second_step(code: str):
        client.post(reverse("account_logout"))
        signed = sign_in(client, coordinator, password)
        assert signed["Location"] == reverse("mfa_authenticate")
        return client.post(reverse("mfa_authenticate"), {"code": code})

    refused = second_step(wrong(totp.now()))
    assert refused.status_code == 200
    assert refused.context["form"].errors
    assert client.get(reverse("portal:dashboard"))["Location"].startswith(reverse("account_login"))

    assert second_step(totp.now())["Location"] == reverse("portal:dashboard")
    assert client.get(reverse("portal:dashboard")).status_code == 200

    assert second_step(recovery)["Location"] == reverse("portal:dashboard")
    assert client.get(reverse("portal:dashboard")).status_code == 200

    used_again = second_step(recovery)
    assert used_again.status_code == 200
    assert used_again.context["form"].errors
    assert client.get(reverse("portal:dashboard")).status_code == 302
