from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from notifications.models import Dispatch
from relationships.services import mentorship_close, mentorship_complete
from scheduling.models import Meeting
from scheduling.services import (
    KIND_CANCELLED,
    SchedulingError,
    calendar_feed_renew,
    meeting_cancel,
    meeting_schedule,
    meeting_update,
)
from tests.notifications.pairs import outbox_to

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def ics_of(message) -> Calendar:
    (name, content, mimetype) = message.attachments[0]
    assert name == "invite.ics"
    assert mimetype.startswith("text/calendar; method=")
    return Calendar.from_ical(content)


def event_of(calendar: Calendar):
    return next(iter(calendar.walk("VEVENT")))


@time_machine.travel(NOW, tick=False)
def test_start_is_typed_in_the_schedulers_zone_and_stored_in_utc(
    pair, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(pair.mentor.user)  # Europe/Berlin
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("scheduling:meeting_create", args=[pair.pk]),
            {
                "start": "2027-03-10T18:30",
                "duration_minutes": 60,
                "format": "video",
                "video_url": "https://meet.example.org/abc",
                "agenda": "Career plan",
            },
        )
    meeting = Meeting.objects.get()
    assert response.status_code == 302, response.content
    assert meeting.start == datetime(2027, 3, 10, 17, 30, tzinfo=UTC)
    assert meeting.scheduled_by == pair.mentor.user
    assert {m.to[0] for m in mail.outbox} == {pair.mentor.email, pair.mentees.get().email}


@time_machine.travel(NOW, tick=False)
def test_both_people_get_an_invitation_with_an_ics_in_their_own_zone(pair, committed):
    start = datetime(2027, 3, 10, 17, 30, tzinfo=UTC)
    meeting = committed(
        meeting_schedule, mentorship=pair, scheduled_by=pair.mentor.user, start=start,
        duration_minutes=45, format="in_person", location="Room 4",
    )  # fmt: skip
    mentee = pair.mentees.get()
    (to_mentor,) = outbox_to(pair.mentor.email)
    (to_mentee,) = outbox_to(mentee.email)
    assert "18:30\N{EN DASH}19:15 (Europe/Berlin)" in to_mentor.body
    assert "12:30\N{EN DASH}13:15 (America/New_York)" in to_mentee.body
    calendar = ics_of(to_mentee)
    assert calendar["METHOD"] == "REQUEST"
    event = event_of(calendar)
    assert event["UID"] == meeting.uid
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTEND") == start + timedelta(minutes=45)
    assert event["LOCATION"] == "Room 4"


@time_machine.travel(NOW, tick=False)
def test_a_change_sends_sequence_plus_one_and_a_cancellation_sends_cancel(pair, committed):
    start = datetime(2027, 3, 10, 17, 30, tzinfo=UTC)
    meeting = committed(
        meeting_schedule, mentorship=pair, scheduled_by=pair.mentor.user, start=start
    )
    mail.outbox.clear()
    moved = start + timedelta(days=1)
    meeting = committed(meeting_update, meeting=meeting, by=pair.mentor.user, start=moved)
    assert len(mail.outbox) == 2
    event = event_of(ics_of(mail.outbox[0]))
    assert (event["UID"], event["SEQUENCE"], event.decoded("DTSTART")) == (meeting.uid, 1, moved)
    assert mail.outbox[0].subject.startswith("Meeting changed")

    mail.outbox.clear()
    committed(meeting_cancel, meeting=meeting, by=pair.mentees.get().user)
    assert len(mail.outbox) == 2
    calendar = ics_of(mail.outbox[0])
    assert calendar["METHOD"] == "CANCEL"
    event = event_of(calendar)
    assert (event["UID"], event["SEQUENCE"], event["STATUS"]) == (meeting.uid, 2, "CANCELLED")


@time_machine.travel(NOW, tick=False)
def test_an_unchanged_save_sends_nothing_and_a_superseded_invitation_is_skipped(pair, committed):
    meeting = meeting_schedule(  # not committed yet: its invitations wait
        mentorship=pair, scheduled_by=pair.mentor.user, start=NOW + timedelta(days=3)
    )
    meeting_update(meeting=meeting, by=pair.mentor.user, agenda="New agenda")
    assert meeting_update(meeting=meeting, by=pair.mentor.user, agenda="New agenda").sequence == 1
    from notifications.services import dispatch_send

    for dispatch in Dispatch.objects.order_by("pk"):
        dispatch_send(dispatch_id=dispatch.pk)
    # Four rows (two versions x two people); the first version is out of date when sent.
    statuses = sorted(Dispatch.objects.values_list("occurrence", "status"))
    assert statuses == [("seq0", "skipped")] * 2 + [("seq1", "sent")] * 2
    assert len(mail.outbox) == 2


@time_machine.travel(NOW, tick=False)
def test_a_wall_clock_time_skipped_by_daylight_saving_is_refused(pair):
    client = Client()
    client.force_login(pair.mentor.user)  # Berlin skips 02:00-03:00 on 28 March 2027
    response = client.post(
        reverse("scheduling:meeting_create", args=[pair.pk]),
        {"start": "2027-03-28T02:30", "duration_minutes": 60, "format": "phone"},
    )
    assert response.status_code == 200
    assert "start" in response.context["form"].errors
    assert not Meeting.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_meetings_are_in_the_future_and_only_for_pairs_still_going(pair):
    with pytest.raises(SchedulingError):
        meeting_schedule(mentorship=pair, scheduled_by=pair.mentor.user, start=NOW)
    pair.status = "closed"
    pair.save()
    with pytest.raises(SchedulingError):
        meeting_schedule(
            mentorship=pair, scheduled_by=pair.mentor.user, start=NOW + timedelta(days=1)
        )


@time_machine.travel(NOW, tick=False)
def test_someone_outside_the_pair_cannot_see_or_cancel_its_meeting(pair, make_pair):
    meeting = meeting_schedule(
        mentorship=pair, scheduled_by=pair.mentor.user, start=NOW + timedelta(days=1)
    )
    outsider = make_pair().mentor.user
    client = Client()
    client.force_login(outsider)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert client.post(reverse("scheduling:meeting_cancel", args=[meeting.pk])).status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED


@time_machine.travel(NOW, tick=False)
def test_closing_a_pair_cancels_its_upcoming_meetings_for_everyone_invited(pair, committed):
    mentor, mentee = pair.mentor.user, pair.mentees.get().user
    earlier = committed(
        meeting_schedule, mentorship=pair, scheduled_by=mentor, start=NOW + timedelta(hours=1)
    )
    upcoming = committed(
        meeting_schedule, mentorship=pair, scheduled_by=mentor, start=NOW + timedelta(days=3)
    )
    Meeting.objects.filter(pk=earlier.pk).update(start=NOW - timedelta(days=2))  # it happened
    mail.outbox.clear()

    committed(mentorship_close, mentorship=pair, actor=mentor, reason="no_time")

    upcoming.refresh_from_db()
    assert (upcoming.status, upcoming.sequence) == (Meeting.Status.CANCELLED, 1)
    assert Meeting.objects.get(pk=earlier.pk).status == Meeting.Status.SCHEDULED
    assert sorted(m.to[0] for m in mail.outbox) == sorted([mentor.email, mentee.email])
    for message in mail.outbox:
        calendar = ics_of(message)
        assert calendar["METHOD"] == "CANCEL"
        event = event_of(calendar)
        assert (event["UID"], event["SEQUENCE"]) == (upcoming.uid, 1)
    assert set(Dispatch.objects.filter(kind=KIND_CANCELLED).values_list("status", flat=True)) == {
        Dispatch.Status.SENT
    }
    client = Client()
    client.force_login(mentee)
    assert list(client.get(reverse("scheduling:meeting_list")).context["upcoming"]) == []
    feed = Client().get(calendar_feed_renew(user=mentee).get_absolute_url())
    assert [str(e["UID"]) for e in Calendar.from_ical(feed.content).walk("VEVENT")] == [
        earlier.uid  # the meeting that happened; the cancelled one is gone
    ]


@time_machine.travel(NOW, tick=False)
def test_completing_a_pair_also_cancels_what_it_had_planned(pair, committed):
    upcoming = meeting_schedule(
        mentorship=pair, scheduled_by=pair.mentor.user, start=NOW + timedelta(days=3)
    )
    committed(mentorship_complete, mentorship=pair, actor=None)
    upcoming.refresh_from_db()
    assert upcoming.is_cancelled


@time_machine.travel(NOW, tick=False)
def test_meetings_left_by_pairs_that_ended_earlier_are_cancelled_by_the_migration(pair, scan):
    from django.apps import apps

    migration = importlib.import_module("scheduling.migrations.0002_cancel_meetings_of_ended_pairs")
    upcoming = meeting_schedule(
        mentorship=pair, scheduled_by=pair.mentor.user, start=NOW + timedelta(days=3)
    )
    Dispatch.objects.all().delete()
    pair.status = "closed"  # closed before closing cancelled anything
    pair.save()

    migration.cancel_meetings_of_ended_pairs(apps, None)
    scan()

    upcoming.refresh_from_db()
    assert (upcoming.status, upcoming.sequence) == (Meeting.Status.CANCELLED, 1)
    assert len(mail.outbox) == 2
    assert {ics_of(m)["METHOD"] for m in mail.outbox} == {"CANCEL"}
