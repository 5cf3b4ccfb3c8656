from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from notifications.models import Dispatch
from scheduling.models import ReminderSchedule
from scheduling.services import meeting_cancel, meeting_schedule, meeting_update
from sessions.models import SessionLog
from tests.notifications.pairs import outbox_to

pytestmark = pytest.mark.django_db

# Berlin moves to summer time at 01:00 UTC on Sunday 28 March 2027; New York moved on the 14th.
MEETING = datetime(2027, 3, 28, 8, 0, tzinfo=UTC)  # 10:00 in Berlin, 04:00 in New York


@pytest.fixture
def meeting(pair):
    with time_machine.travel(datetime(2027, 3, 20, tzinfo=UTC), tick=False):
        return meeting_schedule(
            mentorship=pair, scheduled_by=pair.mentor.user, start=MEETING, format="phone"
        )


def reminders() -> list:
    return [m for m in mail.outbox if m.subject.startswith("Reminder")]


def scan_at(scan, moment: datetime):
    with time_machine.travel(moment, tick=False):
        return scan()


def test_reminders_go_out_24_hours_and_1_hour_before_in_each_recipients_zone(pair, meeting, scan):
    mentee = pair.mentees.get()
    # 24 hours before across the change is 09:00 winter time in Berlin the day before, not 10:00.
    scan_at(scan, MEETING - timedelta(hours=24, seconds=1))
    assert reminders() == []
    scan_at(scan, MEETING - timedelta(hours=24))
    assert len(reminders()) == 2
    (to_mentor,) = outbox_to(pair.mentor.email)[-1:]
    (to_mentee,) = outbox_to(mentee.email)[-1:]
    assert "Sunday 28 March 2027, 10:00\N{EN DASH}11:00 (Europe/Berlin)" in to_mentor.body
    assert "Sunday 28 March 2027, 04:00\N{EN DASH}05:00 (America/New_York)" in to_mentee.body
    assert "Sun 28 Mar, 04:00" in to_mentee.subject

    scan_at(scan, MEETING - timedelta(hours=23))  # nothing new in between
    assert len(reminders()) == 2
    scan_at(scan, MEETING - timedelta(minutes=61))
    assert len(reminders()) == 2
    scan_at(scan, MEETING - timedelta(minutes=60))
    assert len(reminders()) == 4
    scan_at(scan, MEETING - timedelta(minutes=1))
    assert len(reminders()) == 4
    due = sorted(Dispatch.objects.filter(kind="meeting_reminder").values_list("due_at", flat=True))
    assert due == [MEETING - timedelta(hours=24)] * 2 + [MEETING - timedelta(hours=1)] * 2


def test_after_an_outage_only_the_latest_reminder_goes_out(pair, meeting, scan):
    scan_at(scan, MEETING - timedelta(minutes=30))
    assert len(reminders()) == 2
    assert set(
        Dispatch.objects.filter(kind="meeting_reminder").values_list("occurrence", flat=True)
    ) == {"60m@20270328T080000Z"}


def test_the_program_sets_its_own_reminder_times(pair, meeting, scan):
    ReminderSchedule.objects.create(program=pair.cohort.program, offsets_minutes=[120])
    scan_at(scan, MEETING - timedelta(hours=24))
    assert reminders() == []
    scan_at(scan, MEETING - timedelta(hours=2))
    assert len(reminders()) == 2


def test_a_moved_meeting_is_reminded_at_its_new_time_and_a_cancelled_one_not_at_all(
    pair, meeting, scan, committed
):
    with time_machine.travel(MEETING - timedelta(hours=30), tick=False):
        committed(
            meeting_update, meeting=meeting, by=pair.mentor.user, start=MEETING + timedelta(hours=5)
        )
    mail.outbox.clear()
    scan_at(scan, MEETING - timedelta(hours=24))
    assert reminders() == []
    scan_at(scan, MEETING + timedelta(hours=5) - timedelta(hours=24))
    assert len(reminders()) == 2
    with time_machine.travel(MEETING - timedelta(hours=3), tick=False):
        committed(meeting_cancel, meeting=meeting, by=pair.mentor.user)
    scan_at(scan, MEETING + timedelta(hours=4))
    assert len(reminders()) == 2


def test_a_reminder_planned_for_the_old_time_is_skipped_when_it_is_sent(pair, meeting, scan):
    from notifications.services import dispatch_send, notifications_scan

    with time_machine.travel(MEETING - timedelta(hours=24), tick=False):
        notifications_scan()  # plans and marks the rows, but the tasks have not run yet
        meeting_update(meeting=meeting, by=pair.mentor.user, start=MEETING + timedelta(days=1))
        planned = list(Dispatch.objects.filter(kind="meeting_reminder"))
        assert len(planned) == 2  # one to each of the pair
        for dispatch in planned:
            assert dispatch_send(dispatch_id=dispatch.pk) == "skipped"
    assert reminders() == []


def test_how_did_it_go_goes_to_both_when_nobody_logged_the_meeting(pair, meeting, scan):
    mentee = pair.mentees.get()
    scan_at(scan, meeting.end - timedelta(minutes=1))
    assert not [m for m in mail.outbox if m.subject.startswith("How did it go")]
    scan_at(scan, meeting.end)
    followups = [m for m in mail.outbox if m.subject.startswith("How did it go")]
    assert {m.to[0] for m in followups} == {pair.mentor.email, mentee.email}
    log_url = reverse("scheduling:meeting_log", args=[meeting.pk])
    assert log_url in followups[0].body
    scan_at(scan, meeting.end + timedelta(hours=5))
    assert len([m for m in mail.outbox if m.subject.startswith("How did it go")]) == 2

    # The one-click link lands on the pair's session form, filled in from the meeting.
    client = Client()
    client.force_login(mentee.user)
    response = client.get(log_url)
    assert response.status_code == 302
    assert response["Location"].startswith(pair.get_absolute_url())
    assert "occurred_at=2027-03-28T04%3A00" in response["Location"]
    assert response["Location"].endswith("#log-session")


def test_no_how_did_it_go_when_someone_logged_it_that_day(pair, meeting, scan):
    # Logged by the mentee in New York: early that morning, still "the meeting's day".
    SessionLog.objects.create(
        mentorship=pair, occurred_at=MEETING - timedelta(hours=7), duration_minutes=60,
        format="phone", logged_by=pair.mentees.get(),
    )  # fmt: skip
    scan_at(scan, meeting.end + timedelta(minutes=5))
    assert not [m for m in mail.outbox if m.subject.startswith("How did it go")]


def test_a_session_logged_on_another_day_does_not_count(pair, meeting, scan):
    SessionLog.objects.create(
        mentorship=pair, occurred_at=MEETING - timedelta(days=3), duration_minutes=60,
        format="phone", logged_by=pair.mentor,
    )  # fmt: skip
    scan_at(scan, meeting.end + timedelta(minutes=5))
    assert len([m for m in mail.outbox if m.subject.startswith("How did it go")]) == 2
