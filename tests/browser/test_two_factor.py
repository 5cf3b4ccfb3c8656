"""A coordinator who must use two-factor sets it up in the browser before anything else."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import expect

from programs.services import program_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_sets_up_an_authenticator_app_before_any_page(
    page, make_user, sign_in, password, settings
):
    settings.TWO_FACTOR_REQUIRED = True
    cora = make_user(email="cora@example.org", first_name="Cora")
    program_create(name="Leaders", slug="leaders", coordinators=[cora])
    page.set_viewport_size({"width": 390, "height": 844})

    sign_in(page, cora)
    # Setting up asks for the password again first.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    expect(page.get_by_text("set up two-factor sign-in to continue")).to_be_visible()
    page.get_by_placeholder("Password").fill(password)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Activate Authenticator App")).to_be_visible()
    page.goto("/programs/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))

    secret = page.get_by_label("Authenticator secret").input_value()
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 1) % 1_000_000:06d}"
    page.get_by_label("Authenticator code").fill(wrong)
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("Incorrect code.")).to_be_visible()

    page.get_by_label("Authenticator code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("heading", name="Recovery Codes")).to_be_visible()
    page.goto("/programs/")
    expect(page.get_by_role("heading", name="Programs")).to_be_visible()
