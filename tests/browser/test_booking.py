"""A member sets their week, books a time the pair is offered, and both get the .ics."""

from __future__ import annotations

import os
import zoneinfo
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from notifications.models import Dispatch
from profiles.services import availability_set
from relationships.models import Mentorship
from scheduling.models import Meeting
from tests.factories import CohortFactory, PersonFactory, ProgramFactory, paired

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page, name: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    if folder := os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=str(Path(folder) / f"{name}-390.png"), full_page=True)


def test_a_mentee_books_an_offered_time_and_both_get_the_invitation(page, make_user, sign_in):
    cohort = CohortFactory(program=ProgramFactory(slug="eng"), slug="eng-2027", status="active")
    mentor = PersonFactory(
        user=make_user(email="ines@example.org", first_name="Ines", timezone="Europe/Berlin")
    )
    mentee = PersonFactory(
        user=make_user(email="tom@example.org", first_name="Tom", timezone="America/New_York")
    )
    pair = paired(cohort=cohort, mentor=mentor, mentees=[mentee])
    Mentorship.objects.filter(pk=pair.pk).update(status="active", started_at=timezone.now())
    availability_set(person=mentor, ranges=[(day, 8 * 60, 20 * 60) for day in range(7)])

    page.set_viewport_size(PHONE)
    sign_in(page, mentee.user)
    page.goto("/profile/availability/")
    expect(page.get_by_text("America/New_York")).to_be_visible()
    no_sideways_scroll(page, "availability")
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        page.get_by_label(day).fill("6-9, 10:00-14:00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Availability saved.")).to_be_visible()
    expect(page.get_by_label("Monday")).to_have_value(
        "06:00\N{EN DASH}09:00, 10:00\N{EN DASH}14:00"
    )

    page.goto(pair.get_absolute_url())
    page.get_by_role("link", name="Find a time").click()
    expect(page.get_by_role("heading", name="Find a time")).to_be_visible()
    no_sideways_scroll(page, "find-a-time")
    slots = page.locator("button[name=start]")
    expect(slots.first).to_be_visible()
    # A slot two days ahead: whatever the time of day the test runs, it is one the page offers.
    values = [slots.nth(i).get_attribute("value") for i in range(slots.count())]
    later = timezone.now() + timedelta(days=2)
    value = next(v for v in values if datetime.fromisoformat(v) > later)
    start = datetime.fromisoformat(value)
    for moment, zone, hours in ((start, NEW_YORK, (6, 14)), (start, BERLIN, (8, 20))):
        local = moment.astimezone(zone)
        assert hours[0] <= local.hour < hours[1], (zone, local)
    assert not 9 <= start.astimezone(NEW_YORK).hour < 10  # Tom's gap
    button = page.locator(f'button[name=start][value="{value}"]')
    expect(button).to_contain_text(f"{mentor.name}: {start.astimezone(BERLIN):%H:%M}")
    button.click()

    expect(page.get_by_text("Meeting booked.")).to_be_visible()
    no_sideways_scroll(page, "booked-meeting")
    meeting = Meeting.objects.get()
    assert (meeting.start, meeting.scheduled_by_id) == (start, mentee.user_id)
    invites = {message.to[0]: message for message in mail.outbox}
    assert set(invites) == {"ines@example.org", "tom@example.org"}
    for message in invites.values():
        name, content, _ = message.attachments[0]
        assert name == "invite.ics"
        (event,) = Calendar.from_ical(content).walk("VEVENT")
        assert event.decoded("DTSTART") == start
        assert str(event["UID"]) == meeting.uid
    sent = Dispatch.objects.filter(kind="meeting_invite", object_id=meeting.pk)
    assert set(sent.values_list("recipient__email", flat=True)) == set(invites)

    # The next one, in the agreement's rhythm, is one click from the meeting.
    mail.outbox.clear()
    weeks = round(pair.cadence / 7) or 1
    label = "Same time next week" if weeks == 1 else f"Same time in {weeks} weeks"
    page.get_by_role("button", name=label).click()
    expect(page.get_by_text("Next meeting booked.")).to_be_visible()
    following = Meeting.objects.exclude(pk=meeting.pk).get()
    local = start.astimezone(NEW_YORK)
    assert following.start.astimezone(NEW_YORK).replace(tzinfo=None) == local.replace(
        tzinfo=None
    ) + timedelta(weeks=weeks)
    assert {message.to[0] for message in mail.outbox} == set(invites)
