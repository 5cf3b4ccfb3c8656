from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from relationships.models import ClosingQuestion, Mentorship
from relationships.services import mentorship_create
from tests.factories import CohortFactory, EnrolmentFactory, PersonFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHARED = "We planned the design review together"
PRIVATE = "Private worry about the team reorg"
GOAL = "Run a design review end to end"


def switch_to(page, sign_in, user) -> None:
    page.context.clear_cookies()
    sign_in(page, user)
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()


def test_a_mentorship_from_agreement_to_closing_survey(page, make_user, sign_in):
    coordinator = make_user(email="coord@example.org", first_name="Cora")
    program = ProgramFactory(slug="leaders", name="Leaders")
    program.coordinators.add(coordinator)
    ClosingQuestion.objects.create(program=program, text="Did the sessions help?")
    cohort = CohortFactory(program=program, slug="leaders-2027", status="active")
    people = {}
    for role, name in (("mentor", "Mona"), ("mentee", "Milo")):
        people[role] = PersonFactory(
            user=make_user(email=f"{role}@example.org", first_name=name, last_name=role.title())
        )
        EnrolmentFactory(cohort=cohort, person=people[role], role=role, status="approved")
    mentorship = mentorship_create(
        cohort=cohort, mentor=people["mentor"], mentees=[people["mentee"]]
    )
    pair_url = f"/mentorships/{mentorship.pk}/"

    # Both confirm the agreement.
    switch_to(page, sign_in, people["mentor"].user)
    page.get_by_role("link", name=re.compile("Milo Mentee")).first.click()
    expect(page).to_have_url(re.compile(pair_url))
    page.get_by_role("button", name="Confirm the agreement").click()
    expect(page.get_by_text("Agreement confirmed.")).to_be_visible()
    switch_to(page, sign_in, people["mentee"].user)
    page.goto(pair_url)
    page.get_by_role("button", name="Confirm the agreement").click()
    expect(page.get_by_text("Your mentorship is active")).to_be_visible()

    # The mentee sets a goal with milestones.
    page.get_by_role("link", name="New goal").click()
    page.get_by_label("Goal").fill(GOAL)
    page.get_by_label("How success is measured").fill("The team adopts the outcome")
    page.get_by_label("Milestones").fill("Shadow two reviews\nFacilitate one review")
    page.get_by_role("button", name="Save goal").click()
    goals = page.get_by_role("region", name="Goals")
    expect(goals.get_by_text(GOAL)).to_be_visible()
    expect(goals.get_by_text("Facilitate one review")).to_be_visible()

    # The mentor logs a session with a private note, without leaving the page (htmx).
    switch_to(page, sign_in, people["mentor"].user)
    page.goto(pair_url)
    form = page.locator("#log-session")
    form.get_by_role("link", name="Log a session").click()
    form.get_by_label("Minutes").fill("45")
    form.get_by_label("Topics").fill("design reviews, feedback")
    form.get_by_label(GOAL).check()
    form.get_by_label("Shared notes").fill(SHARED)
    form.get_by_label("Private note").fill(PRIVATE)
    form.get_by_role("button", name="Log session").click()
    expect(page.get_by_role("status")).to_contain_text("Session logged")
    expect(page.get_by_role("list", name="Timeline")).to_contain_text(SHARED)
    expect(page.get_by_role("list", name="Timeline")).to_contain_text("your private note")

    # The mentee sees the session but not the private note, confirms and rates it.
    switch_to(page, sign_in, people["mentee"].user)
    page.goto(pair_url)
    expect(page.get_by_role("list", name="Timeline")).to_contain_text(SHARED)
    page.get_by_role("link", name=re.compile("Confirm or correct the session")).click()
    expect(page.get_by_text(SHARED)).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(PRIVATE)
    page.get_by_role("button", name="Confirm the session").click()
    expect(page.get_by_text("Session confirmed.")).to_be_visible()
    page.get_by_label("Your rating").select_option("5")
    page.get_by_role("button", name="Save rating").click()
    expect(page.get_by_role("region", name="Ratings")).to_contain_text("Milo Mentee: 5 / 5")

    # The coordinator sees the pair's activity and none of its content.
    switch_to(page, sign_in, coordinator)
    page.goto(f"/cohorts/{cohort.slug}/")
    page.get_by_role("link", name="Relationship health").click()
    row = page.get_by_role("table", name="Pairs").get_by_role("row").nth(1)
    expect(row).to_contain_text("Mona Mentor")
    expect(row).to_contain_text("Active")
    expect(row.locator("td.num").first).to_have_text("1")
    body = page.locator("body")
    for content in (SHARED, PRIVATE, GOAL):
        expect(body).not_to_contain_text(content)
    row.get_by_role("link", name="Manage").click()
    for content in (SHARED, PRIVATE, GOAL):
        expect(body).not_to_contain_text(content)

    # The pair is closed, and both answer the closing survey.
    page.get_by_label("Reason").select_option("goals_met")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Close early").click()
    expect(page.get_by_text("The mentorship is now closed early.")).to_be_visible()
    for role in ("mentor", "mentee"):
        switch_to(page, sign_in, people[role].user)
        # The dashboard's "Needs you now" list leads to it.
        page.get_by_role("region", name="Needs you now").get_by_role(
            "link", name=re.compile("^Answer the closing survey")
        ).click()
        score = page.get_by_role("group", name=re.compile("How likely are you to recommend"))
        score.get_by_text("9", exact=True).click()
        page.get_by_role("group", name="Did the sessions help?").get_by_text("4").click()
        page.get_by_role("button", name="Send my answers").click()
        expect(page.get_by_text("Thank you for your answers.")).to_be_visible()
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.CLOSED
    assert sorted(mentorship.closing_surveys.values_list("role", "recommend_score")) == [
        ("mentee", 9),
        ("mentor", 9),
    ]
