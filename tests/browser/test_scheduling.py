from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from relationships.models import Mentorship
from relationships.services import mentorship_create
from scheduling.models import Meeting
from tests.factories import CohortFactory, EnrolmentFactory, PersonFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def invitation(message) -> Calendar:
    name, content, _ = message.attachments[0]
    assert name == "invite.ics"
    return Calendar.from_ical(content)


def test_a_mentor_schedules_a_meeting_gets_the_feed_and_cancels_it(page, make_user, sign_in):
    cohort = CohortFactory(program=ProgramFactory(slug="eng"), slug="eng-2027", status="active")
    mentor = PersonFactory(
        user=make_user(email="ines@example.org", first_name="Ines", timezone="Europe/Berlin")
    )
    mentee = PersonFactory(
        user=make_user(email="tom@example.org", first_name="Tom", timezone="America/New_York")
    )
    for person, role in ((mentor, "mentor"), (mentee, "mentee")):
        EnrolmentFactory(cohort=cohort, person=person, role=role, status="approved")
    pair = mentorship_create(cohort=cohort, mentor=mentor, mentees=[mentee])
    Mentorship.objects.filter(pk=pair.pk).update(status="active", started_at=timezone.now())
    day = (timezone.now() + timedelta(days=10)).astimezone(BERLIN).date()
    expected_start = datetime(day.year, day.month, day.day, 10, 0, tzinfo=BERLIN).astimezone(UTC)

    sign_in(page, mentor.user)
    page.goto(f"/mentorships/{pair.pk}/meetings/new/")
    page.get_by_label("Start").fill(f"{day:%Y-%m-%d}T10:00")
    page.get_by_label("Duration").select_option("45")
    page.get_by_label("Format").select_option("video")
    page.get_by_label("Video link").fill("https://meet.example.org/ines-tom")
    page.get_by_label("Agenda").fill("Your first 90 days")
    page.get_by_role("button", name="Schedule and send invitations").click()
    expect(page.get_by_text("Invitations are on their way")).to_be_visible()
    expect(page.get_by_text("10:00\N{EN DASH}10:45 (Europe/Berlin)")).to_be_visible()

    meeting = Meeting.objects.get()
    assert meeting.start == expected_start
    invites = {m.to[0]: m for m in mail.outbox}
    assert set(invites) == {"ines@example.org", "tom@example.org"}
    calendar = invitation(invites["tom@example.org"])
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == expected_start
    assert event.decoded("DTEND") == expected_start + timedelta(minutes=45)
    assert str(event["UID"]) == meeting.uid

    page.goto("/me/calendar/")
    page.get_by_role("button", name="Create my calendar address").click()
    feed_url = page.get_by_label("Your private calendar address").input_value()
    feed = page.context.request.get(urlsplit(feed_url).path)
    assert feed.ok
    (listed,) = Calendar.from_ical(feed.body()).walk("VEVENT")
    assert str(listed["UID"]) == meeting.uid
    assert listed.decoded("DTSTART") == expected_start

    mail.outbox.clear()
    page.goto(f"/meetings/{meeting.pk}/")
    page.get_by_role("button", name="Cancel meeting").click()
    expect(page.get_by_text("Meeting cancelled.")).to_be_visible()
    assert len(mail.outbox) == 2
    cancellation = invitation(mail.outbox[0])
    assert cancellation["METHOD"] == "CANCEL"
    (event,) = cancellation.walk("VEVENT")
    assert (str(event["UID"]), event["SEQUENCE"]) == (meeting.uid, 1)
