from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from profiles.models import Person
from programs.invitations import invitation_token
from programs.models import Enrolment
from programs.services import cohort_create, program_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_signs_in_and_lands_on_the_dashboard(page, make_user, sign_in):
    user = make_user(email="ana@example.org", first_name="Ana")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    sign_in(page, user)
    expect(page.get_by_role("heading", name="Welcome, Ana")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Dashboard")


def test_a_wrong_password_shows_an_error_and_stays_signed_out(page, make_user):
    user = make_user(email="bo@example.org")
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("not correct")).to_be_visible()
    page.goto("/dashboard/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/dashboard/"))


def test_a_coordinator_invited_to_a_cohort_signs_in_as_usual_then_answers(
    page, make_user, password
):
    cora = make_user(email="cora@example.org", first_name="Cora")
    program_create(name="Own program", slug="own", coordinators=[cora])
    cohort = cohort_create(
        program=program_create(name="Leaders", slug="leaders"), name="2027", slug="leaders-2027"
    )
    enrolment = Enrolment.objects.create(
        cohort=cohort, person=Person.objects.create(user=cora), role="mentee"
    )

    page.goto(f"/invitation/{invitation_token(enrolment)}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    expect(page.get_by_text("this link does not sign you in")).to_be_visible()
    page.get_by_label("Email").fill(cora.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(rf"/me/enrolments/{enrolment.pk}/$"))
    expect(page.get_by_role("heading", name="Leaders")).to_be_visible()
