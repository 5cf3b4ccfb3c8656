"""Each role's dashboard starts with what needs them, and each item takes them where it is done."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from matching.loading import settings_for
from matching.models import MentorRequest
from matching.services import mentor_request_create
from programs.models import Cohort, Enrolment
from programs.services import cohort_create, program_create
from relationships.models import Mentorship
from relationships.services import agreement_confirm, mentorship_create
from tests.factories import EnrolmentFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dashboard_world(make_user):
    coordinator = make_user(email="coord@example.org", first_name="Cora")
    program = program_create(name="Leaders", slug="leaders", coordinators=[coordinator])
    settings = settings_for(program)
    settings.requests_allowed = True
    settings.save()
    cohort = cohort_create(
        program=program, name="2027", slug="leaders-2027", status=Cohort.Status.MATCHING
    )

    def person(
        email: str,
        first_name: str,
        role: str = Enrolment.Role.MENTEE,
        status: str = Enrolment.Status.APPROVED,
    ):
        someone = PersonFactory(user=make_user(email=email, first_name=first_name, last_name="T"))
        EnrolmentFactory(cohort=cohort, person=someone, role=role, status=status, capacity=2)
        return someone

    return {"coordinator": coordinator, "cohort": cohort, "person": person}


def needs_you(page):
    return page.get_by_role("region", name="Needs you now")


def test_a_mentor_answers_a_waiting_request_from_the_dashboard(page, sign_in, dashboard_world):
    mentor = dashboard_world["person"]("mona@example.org", "Mona", role="mentor")
    mentee = dashboard_world["person"]("milo@example.org", "Milo")
    mentor_request_create(
        mentee=mentee.enrolments.get(), mentor_enrolment_id=mentor.enrolments.get().pk
    )
    sign_in(page, mentor.user)
    needs_you(page).get_by_role(
        "link", name=re.compile("^Milo T asks you to be their mentor")
    ).click()
    expect(page.get_by_role("heading", name="Mentor requests", level=1)).to_be_visible()
    page.get_by_role("button", name="Accept Milo T").click()
    expect(page.get_by_role("alert")).to_contain_text("You are now Milo T's mentor")
    page.goto("/dashboard/")
    expect(needs_you(page)).not_to_contain_text("asks you")
    needs_you(page).get_by_role("link", name="Confirm your mentoring agreement with Milo T").click()
    expect(page.locator("#agreement")).to_be_visible()


def test_an_invitee_finds_the_invitation_on_the_dashboard(page, sign_in, dashboard_world):
    invitee = dashboard_world["person"]("ivy@example.org", "Ivy", status="invited")
    sign_in(page, invitee.user)
    needs_you(page).get_by_role("link", name="Answer your invitation to Leaders: 2027").click()
    expect(page.get_by_role("heading", name="Leaders: 2027", level=1)).to_be_visible()
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("alert")).to_contain_text("you are in")
    page.goto("/dashboard/")
    # The program takes mentor requests: asking one is the next step.
    expect(needs_you(page).get_by_role("listitem")).to_have_text(["Find a mentor in Leaders: 2027"])


def test_a_coordinator_goes_from_the_dashboard_to_each_thing_waiting(
    page, sign_in, dashboard_world
):
    person, cohort = dashboard_world["person"], dashboard_world["cohort"]
    person("ann@example.org", "Ann", status="applied")
    mentor = person("mona@example.org", "Mona", role="mentor")
    asking = person("milo@example.org", "Milo")
    request = mentor_request_create(
        mentee=asking.enrolments.get(), mentor_enrolment_id=mentor.enrolments.get().pk
    )
    MentorRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    quiet_mentor = person("quinn@example.org", "Quinn", role="mentor")
    quiet_mentee = person("quentin@example.org", "Quentin")
    pair = mentorship_create(cohort=cohort, mentor=quiet_mentor, mentees=[quiet_mentee])
    for member in pair.members():
        agreement_confirm(mentorship=pair, person=member, actor=member.user)
    Mentorship.objects.filter(pk=pair.pk).update(started_at=timezone.now() - timedelta(days=60))

    sign_in(page, dashboard_world["coordinator"])
    items = needs_you(page)
    expect(items.get_by_role("listitem")).to_have_count(4)

    items.get_by_role("link", name="Approve or decline 1 application").click()
    expect(page.get_by_role("region", name="Pending applications")).to_contain_text("Ann T")
    page.go_back()
    items.get_by_role("link", name="Pair 1 mentee who has no mentor").click()
    expect(page.get_by_role("button", name="Run matching")).to_be_visible()
    page.go_back()
    items.get_by_role("link", name=re.compile("^Follow up 1 mentor request")).click()
    expect(page.get_by_role("region", name="Unanswered requests")).to_contain_text(
        "Milo T asked Mona T"
    )
    page.go_back()
    items.get_by_role("link", name="Check on 1 pair that has gone quiet").click()
    expect(page.get_by_text("Showing stalled pairs.")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Quinn T")
