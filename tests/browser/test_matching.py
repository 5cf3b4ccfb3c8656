from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from matching.loading import settings_for
from profiles.models import Person
from programs.services import cohort_create, program_create
from relationships.models import Mentorship
from tests.browser.conftest import finish_job
from tests.factories import enrol_person

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
        enrol_person(cohort, mentee, "mentee", interests=["python", "sales"][: 1 + i % 2])
    for name in ["Max", "Zoe"]:
        mentor = person(
            make_user, f"{name.lower()}@example.org", name, seniority=6, department="Finance"
        )
        enrol_person(cohort, mentor, "mentor", capacity=2, expertise=["python", "sales"])
    enrol_person(cohort, boss, "mentor", capacity=1, expertise=["sales"])

    sign_in(page, coordinator)
    page.goto(f"/programs/{program.slug}/matching/")
    page.get_by_label("Expertise for interests").fill("70")
    page.get_by_label("Seniority").fill("5")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Matching settings saved")).to_be_visible()

    page.goto(f"/cohorts/{cohort.slug}/")
    page.get_by_role("link", name="Matching").click()
    finish_job(page, "Run matching")
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

    finish_job(page, "Run matching again")
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
    enrol_person(cohort, mentee, "mentee", interests=["design"])
    enrol_person(cohort, mentor, "mentor", capacity=1, expertise=["design"])

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


def screenshot(page, name: str) -> None:
    """Saved only when SCREENSHOT_DIR is set, for a person to look at."""
    if folder := os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=Path(folder) / f"{name}.png", full_page=True)


def proposed_rows(page):
    return page.get_by_role("table", name="Proposed pairs").locator(":scope > tbody > tr")


def test_coordinator_rejects_reruns_publishes_then_rematches_after_a_pair_closes(
    page, make_user, sign_in
):
    coordinator = make_user(email="coord@example.org", first_name="Cora", last_name="Tester")
    program = program_create(name="Leaders", slug="leaders", coordinators=[coordinator])
    cohort = cohort_create(program=program, name="2027", slug="leaders-2027", status="matching")
    for name in ["Ada", "Ben", "Cy"]:
        mentee = person(make_user, f"{name.lower()}@example.org", name, seniority=2)
        enrol_person(cohort, mentee, "mentee", interests=["python"])
    mentors = {}
    for name, capacity in [("Max", 2), ("Zoe", 1)]:
        mentors[name] = person(make_user, f"{name.lower()}@example.org", name, seniority=6)
        enrol_person(cohort, mentors[name], "mentor", capacity=capacity, expertise=["python"])

    sign_in(page, coordinator)
    page.goto(f"/cohorts/{cohort.slug}/matching/")
    finish_job(page, "Run matching")
    expect(proposed_rows(page)).to_have_count(3)
    ada_row = proposed_rows(page).filter(has_text="Ada Tester")
    rejected_mentor = ada_row.locator("td").nth(1).inner_text().split("\n")[0]
    ada_row.get_by_role("button", name=re.compile("^Reject ")).click()
    expect(page.get_by_role("alert")).to_contain_text("Rejected Ada Tester")

    # The page tells the truth: Ada waits, with the reason, and the figures are marked stale.
    expect(proposed_rows(page)).to_have_count(2)
    not_matched = page.get_by_role("table", name="Not matched")
    expect(page.get_by_role("heading", name="Not matched (1)")).to_be_visible()
    expect(not_matched).to_contain_text("Ada Tester")
    expect(not_matched).to_contain_text("Pair rejected by a coordinator")
    expect(not_matched).to_contain_text(f"With {rejected_mentor}, rejected by Cora Tester")
    expect(page.get_by_text("Every mentee has a proposed mentor")).to_have_count(0)
    expect(page.get_by_text("1 pair rejected since — run again to re-match")).to_be_visible()
    expect(page.get_by_role("region", name="Run summary")).to_contain_text("2 of 3 mentees")
    screenshot(page, "matching-after-reject-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "matching-after-reject-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})

    finish_job(page, "Run matching again")
    expect(proposed_rows(page)).to_have_count(3)
    ada_row = proposed_rows(page).filter(has_text="Ada Tester")
    expect(ada_row).not_to_contain_text(rejected_mentor)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("alert")).to_contain_text("Published 3 mentorships")

    # After publishing: Ben's pair closes early and a late joiner arrives.
    ben = Person.objects.get(user__email="ben@example.org")
    closed = Mentorship.objects.get(cohort=cohort, mentees=ben)
    page.goto(f"/mentorships/{closed.pk}/manage/")
    page.get_by_label("Reason").select_option(label="Not a good fit")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Close early").click()
    expect(page.get_by_text("Closed early").first).to_be_visible()
    late = person(make_user, "lea@example.org", "Lea", seniority=2)
    enrol_person(cohort, late, "mentee", interests=["python"])

    page.goto(f"/cohorts/{cohort.slug}/matching/")
    finish_job(page, "Run matching again")
    summary = page.get_by_role("region", name="Run summary")
    expect(summary).to_contain_text("1 of 2 mentees")
    expect(summary).to_contain_text("Pairs published earlier stay as they are")
    # Only the people without a partner: Lea takes the freed slot, Ben never his old mentor.
    expect(proposed_rows(page)).to_have_count(1)
    expect(proposed_rows(page)).to_contain_text("Lea Tester")
    expect(proposed_rows(page)).to_contain_text(closed.mentor.name)
    expect(page.get_by_role("table", name="Not matched")).to_contain_text("Ben Tester")
    screenshot(page, "matching-rerun-after-publishing")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("alert")).to_contain_text("Published 1 mentorship")
    assert Mentorship.objects.filter(cohort=cohort).count() == 4
    assert Mentorship.objects.filter(cohort=cohort, mentees=late, mentor=closed.mentor).exists()
    assert not Mentorship.objects.filter(cohort=cohort, mentees=ben).exclude(pk=closed.pk).exists()
