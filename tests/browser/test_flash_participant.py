"""A flash event from a participant's side in Chromium: their rounds on a phone and in their
calendar; after the event two people choose each other and the coordinator publishes the pair
in the follow-on cohort through the matching page."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from relationships.models import Mentorship
from tests.browser.test_cohort_header import PHONE, overflows, shoot
from tests.flash.people_builders import four_people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def flash(make_user):
    coordinator = make_user(email="cora@example.org", first_name="Cora")
    # Started two hours ago on the hour: three rounds of 10 minutes with 5-minute breaks, over.
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=2)
    world = four_people(coordinators=[coordinator], starts_at=start)
    world.people["coordinator"] = coordinator
    return world


def test_a_participant_reads_their_rounds_and_downloads_the_calendar(page, sign_in, flash):
    ana = flash.people["ana"]
    sign_in(page, ana.user)
    page.get_by_role("link", name="Choose whom you would like to continue with").click()
    page.get_by_role("link", name="My rounds").click()
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    first = flash.event.round_starts(1).astimezone(berlin).strftime("%H:%M")
    card = page.get_by_role("article", name="Round 1")
    expect(card).to_contain_text(first)
    expect(card).to_contain_text("Table A")
    expect(card).to_contain_text("Mia Okafor")
    expect(card).to_contain_text("Head of Data, Data")
    expect(page.get_by_role("article", name="Round 2").get_by_role("link")).to_have_attribute(
        "href", "https://video.example.org/room-b"
    )
    expect(page.get_by_role("article", name="Round 3")).to_contain_text("You sit this round out")

    page.set_viewport_size(PHONE)
    assert not overflows(page)
    shoot(page, "flash-round-cards-390")

    with page.expect_download() as download:
        page.get_by_role("link", name="Add all rounds to my calendar (.ics)").click()
    with open(download.value.path(), "rb") as calendar_file:
        calendar = Calendar.from_ical(calendar_file.read())
    events = calendar.walk("VEVENT")
    assert [e.decoded("dtstart") for e in events] == [
        flash.event.round_starts(n) for n in (1, 2, 3)
    ]
    assert "Mia Okafor" in str(events[0]["summary"])
    assert str(events[1]["location"]) == "https://video.example.org/room-b"
    assert len({str(e["uid"]) for e in events}) == 3


def test_two_people_choose_each_other_and_the_coordinator_publishes_the_pair(page, sign_in, flash):
    ana, mia = flash.people["ana"], flash.people["mia"]
    for chooser, chosen in ((ana, "Mia Okafor"), (mia, "Ana Silva")):
        sign_in(page, chooser.user)
        page.get_by_role("link", name="Choose whom you would like to continue with").click()
        page.get_by_label(chosen, exact=False).check()
        page.get_by_role("button", name="Save my choices").click()
        expect(page.get_by_text("Your choices are saved.")).to_be_visible()
        page.context.clear_cookies()
    # Mia chose second: she sees the match at once; Ana sees it next time.
    sign_in(page, ana.user)
    page.goto(f"/flash/{flash.cohort.slug}/me/continue/")
    expect(page.get_by_role("region", name="You chose each other")).to_contain_text("Mia Okafor")
    page.context.clear_cookies()

    sign_in(page, flash.people["coordinator"])
    page.goto(f"/cohorts/{flash.cohort.slug}/event/")
    page.get_by_role("link", name="Follow-on pairs").click()
    expect(page.locator("[data-mutual]")).to_have_text("1")
    page.get_by_role("button", name="Propose follow-on pairs").click()
    expect(page.get_by_text("1 follow-on pair proposed")).to_be_visible()
    pairs = page.get_by_role("table", name="Proposed pairs")
    expect(pairs).to_contain_text("Ana Silva")
    expect(pairs).to_contain_text("Chose each other at a flash event")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("alert")).to_contain_text("Published 1 mentorship")
    mentorship = Mentorship.objects.get(cohort=flash.follow_on)
    assert mentorship.mentor == mia
    assert list(mentorship.mentees.all()) == [ana]
