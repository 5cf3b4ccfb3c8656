"""A coordinator runs a flash event through the pages: creates it, imports people, plans the
rounds, marks a no-show and re-plans, and prints the rounds.

The participants' half of the journey (their schedule and .ics, choices after the event, the
follow-on pair the coordinator publishes) continues from `coordinator_runs_a_flash_event`:
it returns the cohort with its rounds planned and published, round 1 held.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from flash.models import Attendance, Meeting, RotationPlan
from profiles.models import Person
from programs.models import Cohort

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = """\
email,first_name,last_name,role,department,seniority,manager_email,expertise,interests,timezone
ines@example.org,Ines,Ortiz,mentor,Engineering,7,,python;architecture,,Europe/Lisbon
omar@example.org,Omar,Haddad,mentor,Sales,6,,negotiation;public speaking,,Europe/Berlin
tom@example.org,Tom,Berg,mentee,Engineering,2,ines@example.org,,python,Europe/Berlin
ada@example.org,Ada,Mensah,mentee,Sales,3,,,negotiation,Africa/Nairobi
lea@example.org,Lea,Novak,mentee,Product,2,,,architecture,Europe/Lisbon
kai@example.org,Kai,Ito,mentee,Finance,3,,,public speaking,Asia/Tokyo
"""
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def coordinator_runs_a_flash_event(page, coordinator, tmp_path) -> Cohort:
    """Through the pages only, from an empty site to published rounds, round 1 held."""
    page.get_by_role("link", name="Programs", exact=True).click()
    page.get_by_role("link", name="New program").click()
    page.get_by_label("Name").fill("Speed Mentoring")
    page.get_by_label("Slug").fill("speed")
    page.get_by_label("Format").select_option("flash")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="New cohort").click()
    page.get_by_label("Name").fill("May afternoon")
    page.get_by_label("Slug").fill("speed-may")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="May afternoon")).to_be_visible()
    # A flash cohort has an event, not matching.
    expect(page.get_by_role("link", name="Matching", exact=True)).to_have_count(0)

    page.get_by_role("link", name="Event settings").click()
    page.get_by_label("Starts at").fill("2027-05-06T14:00")
    page.get_by_label(re.compile(r"^\s*Rounds")).fill("3")
    page.get_by_label("Minutes per round").fill("12")
    page.get_by_label("Tables or rooms").fill("Window\nGarden | https://meet.example.org/garden")
    page.get_by_role("button", name="Save event settings").click()
    expect(page.get_by_text("Event settings saved.")).to_be_visible()
    expect(page.get_by_text("3 rounds of 12 min")).to_be_visible()

    people = tmp_path / "people.csv"
    people.write_text(PEOPLE)
    page.get_by_role("link", name="Import people").click()
    page.get_by_label("Participants CSV").set_input_files(str(people))
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_text("Imported: 6 created")).to_be_visible()
    page.get_by_role("link", name="See the result").click()
    page.get_by_label("Scope").select_option("all")
    page.get_by_label("With").select_option("approve")
    page.get_by_role("button", name="Apply").click()

    page.get_by_role("link", name="Plan the rounds").click()
    page.get_by_role("button", name="Plan the rounds").click()
    expect(page.get_by_text(re.compile("Rounds planned in"))).to_be_visible()
    grid = page.get_by_role("region", name="Rounds by table")
    expect(grid).to_contain_text("Window")
    expect(grid).to_contain_text("Garden")
    expect(page.locator('[data-figure="repeats"]')).to_have_text("0")
    cohort = Cohort.objects.get(slug="speed-may")
    assert Meeting.objects.filter(event__cohort=cohort, round=1).count() == 2

    # Tom did not come: mark him, then re-plan the rounds after the first.
    tom = Person.objects.get(user__email="tom@example.org")
    round_one = set(
        Meeting.objects.filter(event__cohort=cohort, round=1).values_list("mentee_id", "mentor_id")
    )
    page.get_by_label("Person").select_option(label="Tom Berg")
    page.get_by_label("Attendance").select_option("no_show")
    page.get_by_role("button", name="Mark").click()
    expect(page.get_by_text("Tom Berg: did not come")).to_be_visible()
    page.get_by_label("Rounds already held").fill("1")
    page.get_by_role("button", name="Re-plan remaining rounds").click()
    expect(page.get_by_text("Kept 1 round already held.")).to_be_visible()
    assert Attendance.objects.get(person=tom).is_no_show
    assert not Meeting.objects.filter(event__cohort=cohort, mentee=tom, round__gt=1).exists()
    assert (
        set(
            Meeting.objects.filter(event__cohort=cohort, round=1).values_list(
                "mentee_id", "mentor_id"
            )
        )
        == round_one
    )

    page.get_by_role("button", name="Publish to participants").click()
    expect(page.get_by_text(re.compile("Published: everyone seated"))).to_be_visible()
    assert RotationPlan.objects.get(event__cohort=cohort).is_published
    return cohort


def test_coordinator_plans_a_flash_event_replans_around_a_no_show_and_prints(
    page, make_user, sign_in, tmp_path
):
    coordinator = make_user(email="cora@example.org", first_name="Cora")
    coordinator.user_permissions.add(Permission.objects.get(codename="create_program"))
    sign_in(page, coordinator)
    cohort = coordinator_runs_a_flash_event(page, coordinator, tmp_path)

    # On a phone the page stays 390 px wide: the grid scrolls inside its own box.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "flash-event-390.png"), full_page=True)
    grid_box = page.get_by_role("region", name="Rounds by table")
    assert grid_box.evaluate("el => getComputedStyle(el).overflowX") == "auto"

    page.set_viewport_size({"width": 1024, "height": 800})
    page.get_by_role("link", name="Print layout").click()
    expect(page.get_by_role("heading", name=re.compile("Round 1"))).to_be_visible()
    page.emulate_media(media="print")
    rounds = page.locator(".flash-print-round")
    expect(rounds).to_have_count(3)
    assert rounds.first.evaluate("el => getComputedStyle(el).breakAfter") == "page"
    assert rounds.last.evaluate("el => getComputedStyle(el).breakAfter") == "auto"
    expect(page.get_by_role("link", name="Back to the event")).to_be_hidden()
    page.screenshot(path=str(SCREENSHOTS / "flash-print.png"), full_page=True)
    pdf = page.pdf()
    # One sheet per round.
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 3

    page.emulate_media(media="screen")
    response = page.request.get(f"/cohorts/{cohort.slug}/event/rounds.csv")
    assert response.ok
    assert response.text().splitlines()[0].startswith("round,starts_at,table,link,mentor")
