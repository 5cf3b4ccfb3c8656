from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from profiles.models import Person
from programs.models import Enrolment
from programs.services import cohort_create, program_create
from tests.support.mail import refuse_mail_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_sees_which_invitations_could_not_be_delivered(
    page, make_user, sign_in, monkeypatch
):
    coordinator = make_user(email="cora@example.org", first_name="Cora")
    program = program_create(name="Leaders", slug="leaders", coordinators=[coordinator])
    cohort = cohort_create(program=program, name="Spring 2027", slug="spring-2027")
    for email, first in (("ivy@example.org", "Ivy"), ("ann@example.org", "Ann")):
        person, _ = Person.objects.get_or_create(user=make_user(email=email, first_name=first))
        Enrolment.objects.create(cohort=cohort, person=person, role="mentee")
    refuse_mail_to(monkeypatch, "ivy@example.org")
    sign_in(page, coordinator)
    page.goto(cohort.get_absolute_url())
    expect(page.get_by_role("heading", name="Spring 2027")).to_be_visible()
    page.get_by_label("Scope").select_option("all")
    page.get_by_label("With").select_option("invite")
    page.get_by_role("button", name="Apply").click()

    expect(page.get_by_text("Invitations queued for 2 participants.")).to_be_visible()
    alert = page.get_by_role("region", name="1 invitation could not be delivered")
    expect(alert).to_contain_text("ivy@example.org")
    expect(alert).not_to_contain_text("ann@example.org")
    if folder := os.environ.get("SCREENSHOTS"):
        page.screenshot(path=f"{folder}/undelivered-desktop.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=f"{folder}/undelivered-390.png", full_page=True)

    # Ivy's address works again (the mailbox was full, say): a resend reaches her.
    monkeypatch.undo()
    page.get_by_label("Select Ivy").check()
    page.get_by_label("With").select_option("resend")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("Invitation sent again to 1 participant.", exact=False)).to_be_visible()
    expect(page.get_by_text("could not be delivered")).to_have_count(0)
