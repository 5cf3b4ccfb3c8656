"""An unmatched mentee's "why not" names the rule: for the coordinator next to the mentee on
the run page, and for the mentee on their dashboard once the run is published."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from matching.loading import settings_for
from profiles.models import Person
from programs.services import cohort_create, program_create
from tests.browser.conftest import finish_job, sign_in_with_password
from tests.factories import enrol_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def person(make_user, name: str, zone: str, **fields) -> Person:
    user = make_user(
        email=f"{name.lower()}@example.org", first_name=name, last_name="Tester", timezone=zone
    )
    return Person.objects.create(user=user, languages=["en"], **fields)


def test_coordinator_and_mentee_read_why_there_is_no_match(
    page, browser, live_server, make_user, sign_in
):
    coordinator = make_user(email="coord@example.org", first_name="Cora")
    program = program_create(name="Leaders", slug="leaders", coordinators=[coordinator])
    settings = settings_for(program)
    settings.max_tz_gap_hours = 6
    settings.save()
    cohort = cohort_create(program=program, name="2027", slug="leaders-2027", status="matching")
    boss = person(make_user, "Max", "UTC", seniority=8)
    ann = person(make_user, "Ann", "UTC", seniority=2, manager=boss)
    enrol_person(cohort, ann, "mentee")
    enrol_person(cohort, person(make_user, "Bob", "UTC", seniority=2), "mentee")
    enrol_person(cohort, boss, "mentor", capacity=1)
    enrol_person(cohort, person(make_user, "Tom", "Asia/Tokyo", seniority=7), "mentor", capacity=1)

    sign_in(page, coordinator)
    page.goto(f"/cohorts/{cohort.slug}/matching/")
    finish_job(page, "Run matching")
    not_matched = page.get_by_role("table", name="Not matched")
    not_matched.get_by_text("Why Ann Tester has no match").click()
    expect(not_matched).to_contain_text("1 excluded by the reporting chain")
    expect(not_matched).to_contain_text("1 excluded by the 6-hour time-zone limit")
    expect(not_matched).to_contain_text(
        "Raising the time-zone limit to 9 hours would make 1 available."
    )
    # Bob takes Max; once the run is published, Ann is told why on her dashboard.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Publish").click()

    context = browser.new_context(base_url=live_server.url, timezone_id="UTC")
    mentee = context.new_page()
    sign_in_with_password(mentee, ann.user)
    mentee.goto("/dashboard/")
    card = mentee.get_by_role("region", name="Why you have no mentor yet in Leaders: 2027")
    expect(card).to_contain_text("1 is more than 6 hours from your time zone")
    expect(card).to_contain_text("1 is in your reporting line")
    expect(card).to_contain_text(
        "If the coordinators raised the time-zone limit to 9 hours, 1 would fit."
    )
    expect(card).not_to_contain_text("Tom")
    context.close()
