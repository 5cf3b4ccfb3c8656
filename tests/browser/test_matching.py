from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from matching.loading import settings_for
from profiles.models import Person
from programs.services import cohort_create, program_create
from relationships.models import Mentorship
from tests.matching.conftest import enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def person(make_user, email: str, first_name: str, **fields) -> Person:
    user = make_user(email=email, first_name=first_name, last_name="Tester")
    return Person.objects.create(user=user, languages=["en"], **fields)


def test_coordinator_tunes_runs_reviews_and_publishes(page, make_user, sign_in):
    coordinator = make_user(email="coord@example.org", first_name="Cora")
    program = program_create(name="Leaders", slug="leaders", coordinators=[coordinator])
    cohort = cohort_create(program=program, name="2027", slug="leaders-2027", status="matching")
    boss = person(make_user, "boss@example.org", "Boss", seniority=8, department="Sales")
    for i, name in enumerate(["Ada", "Ben", "Cy", "Di"]):
        manager = boss if i == 0 else None
        mentee = person(
            make_user,
            f"{name.lower()}@example.org",
            name,
            seniority=2,
            department="Sales",
            manager=manager,
        )
        enrol(cohort, mentee, "mentee", interests=["python", "sales"][: 1 + i % 2])
    for name in ["Max", "Zoe"]:
        mentor = person(
            make_user, f"{name.lower()}@example.org", name, seniority=6, department="Finance"
        )
        enrol(cohort, mentor, "mentor", capacity=2, expertise=["python", "sales"])
    enrol(cohort, boss, "mentor", capacity=1, expertise=["sales"])

    sign_in(page, coordinator)
    page.goto(f"/programs/{program.slug}/matching/")
    page.get_by_label("Expertise for interests").fill("70")
    page.get_by_label("Seniority").fill("5")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Matching settings saved")).to_be_visible()

    page.goto(f"/cohorts/{cohort.slug}/")
    page.get_by_role("link", name="Matching").click()
    page.get_by_role("button", name="Run matching").click()
    pairs = page.get_by_role("table", name="Proposed pairs")
    expect(pairs.locator(":scope > tbody > tr")).to_have_count(4)
    pairs.get_by_text("Why?").first.click()
    expect(pairs.get_by_role("table", name="Points per criterion").first).to_contain_text(
        "Expertise for interests"
    )

    pairs.get_by_role("button", name=re.compile("^Lock ")).first.click()
    expect(page.get_by_role("alert")).to_contain_text("Locked ")
    locked_row = (
        page.get_by_role("table", name="Proposed pairs").locator(":scope > tbody > tr").first
    )
    locked_pair = locked_row.inner_text().split("\n")[0:3]
    page.get_by_role("table", name="Proposed pairs").get_by_role(
        "button", name=re.compile("^Reject ")
    ).nth(1).click()
    expect(page.get_by_role("alert")).to_contain_text("Rejected ")

    page.get_by_role("button", name="Run matching again").click()
    first_row = (
        page.get_by_role("table", name="Proposed pairs").locator(":scope > tbody > tr").first
    )
    expect(first_row).to_contain_text("Locked")
    assert first_row.inner_text().split("\n")[0:3] == locked_pair

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"Published \d+ mentorship"))
    assert Mentorship.objects.filter(cohort=cohort).count() == 4


def test_mentee_requests_a_mentor_who_accepts(page, make_user, sign_in):
    program = program_create(name="Open doors", slug="open-doors")
    settings = settings_for(program)
    settings.requests_allowed = True
    settings.save()
    cohort = cohort_create(program=program, name="Spring", slug="spring", status="active")
    mentee = person(make_user, "mia@example.org", "Mia", seniority=2)
    mentor = person(make_user, "noah@example.org", "Noah", seniority=7)
    enrol(cohort, mentee, "mentee", interests=["design"])
    enrol(cohort, mentor, "mentor", capacity=1, expertise=["design"])

    sign_in(page, mentee.user)
    page.get_by_role("link", name="Mentor requests").click()
    page.get_by_role("link", name="Find a mentor in").click()
    card = page.get_by_role("region", name="Noah Tester")
    card.get_by_text("Why?").click()
    expect(card.get_by_role("table", name="Points per criterion")).to_be_visible()
    card.get_by_label("Message").fill("I want to get better at design reviews.")
    card.get_by_role("button", name="Request Noah Tester").click()
    expect(page.get_by_text("Request sent to Noah Tester")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, mentor.user)
    page.goto("/me/requests/")
    expect(page.get_by_text("I want to get better at design reviews.")).to_be_visible()
    page.get_by_role("button", name="Accept Mia Tester").click()
    expect(page.get_by_text("You are now Mia Tester's mentor")).to_be_visible()
    assert Mentorship.objects.filter(cohort=cohort, mentor=mentor).count() == 1
