"""Messages driven by the calendar: goal check-ins, nudges, the coordinator's digest and
mentor-request reminders, each at the right moment and once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from goals.services import goal_checkin, goal_create
from matching.models import MentorRequest
from notifications.models import Dispatch
from programs.models import Enrolment
from sessions.models import SessionLog
from tests.factories import EnrolmentFactory
from tests.notifications.pairs import outbox_to

pytestmark = pytest.mark.django_db

START = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # the pairs start; cadence 14 days
DAY = timedelta(days=1)


def subjects(email: str) -> list[str]:
    return [m.subject for m in outbox_to(email)]


def at(scan, moment):
    with time_machine.travel(moment, tick=False):
        return scan()


@pytest.fixture
def pair_from_start(make_pair):
    with time_machine.travel(START, tick=False):
        return make_pair(cadence_days=14, started_at=START)


def log_session(pair, when):
    return SessionLog.objects.create(
        mentorship=pair, occurred_at=when, duration_minutes=60, format="video",
        logged_by=pair.mentor,
    )  # fmt: skip


# --- Goal check-ins ---------------------------------------------------------------------------


def test_mentees_with_open_goals_get_a_check_in_every_cadence(pair_from_start, scan):
    mentee = pair_from_start.mentees.get()
    with time_machine.travel(START, tick=False):
        goal_create(mentorship=pair_from_start, owner=mentee, title="Lead a design review")
    for day in (1, 7, 13):
        log_session(pair_from_start, START + day * DAY)  # keep nudges out of it
        at(scan, START + day * DAY)
    assert "Time for a check-in on your goals" not in subjects(mentee.email)
    at(scan, START + 14 * DAY)
    assert subjects(mentee.email) == ["Time for a check-in on your goals"]
    message = outbox_to(mentee.email)[0]
    assert "Lead a design review" in message.body
    assert f"/mentorships/{pair_from_start.pk}/#checkin-heading" in message.body
    assert subjects(pair_from_start.mentor.email) == []  # the mentor owns no goals
    at(scan, START + 20 * DAY)
    assert len(subjects(mentee.email)) == 1
    log_session(pair_from_start, START + 27 * DAY)
    at(scan, START + 28 * DAY)
    assert subjects(mentee.email) == ["Time for a check-in on your goals"] * 2


def test_no_check_in_reminder_after_a_fresh_check_in_or_without_open_goals(
    pair_from_start, make_pair, scan
):
    mentee = pair_from_start.mentees.get()
    with time_machine.travel(START + 10 * DAY, tick=False):
        goal = goal_create(mentorship=pair_from_start, owner=mentee, title="Public speaking")
        goal_checkin(goal=goal, author=mentee, progress=30)
        log_session(pair_from_start, START + 10 * DAY)
    at(scan, START + 14 * DAY)
    assert subjects(mentee.email) == []
    # A pair whose only goal is achieved gets none either.
    with time_machine.travel(START, tick=False):
        other = make_pair(started_at=START)
        other_mentee = other.mentees.get()
        done = goal_create(mentorship=other, owner=other_mentee, title="Done")
        goal_checkin(goal=done, author=other_mentee, progress=100)
        log_session(other, START + 10 * DAY)
    at(scan, START + 14 * DAY)
    assert subjects(other_mentee.email) == []


# --- Nudges -----------------------------------------------------------------------------------


def test_a_pair_quiet_for_twice_the_cadence_gets_one_friendly_nudge_each(pair_from_start, scan):
    mentee = pair_from_start.mentees.get()
    log_session(pair_from_start, START + 2 * DAY)
    at(scan, START + 30 * DAY - timedelta(minutes=1))
    assert mail.outbox == []
    at(scan, START + 30 * DAY + timedelta(minutes=1))
    assert subjects(pair_from_start.mentor.email) == ["Time to meet again?"]
    assert subjects(mentee.email) == ["Time to meet again?"]
    assert f"/mentorships/{pair_from_start.pk}/meetings/new/" in outbox_to(mentee.email)[0].body
    at(scan, START + 40 * DAY)
    assert len(mail.outbox) == 2  # one per quiet spell, not one per scan

    log_session(pair_from_start, START + 41 * DAY)
    at(scan, START + 69 * DAY + timedelta(minutes=1))
    assert subjects(mentee.email) == ["Time to meet again?"] * 2


def test_paused_pairs_are_not_nudged(make_pair, scan):
    with time_machine.travel(START, tick=False):
        make_pair(started_at=START, status="paused")
    at(scan, START + 60 * DAY)
    assert mail.outbox == []


def test_a_nudge_planned_before_the_pair_met_is_not_sent(pair_from_start):
    from notifications.services import dispatch_send, notifications_scan

    with time_machine.travel(START + 29 * DAY, tick=False):
        notifications_scan()  # plans nudges; the tasks have not run yet
        log_session(pair_from_start, START + 29 * DAY)
        planned = list(Dispatch.objects.filter(kind="nudge"))
        assert len(planned) == 2  # one to each of the pair
        for dispatch in planned:
            assert dispatch_send(dispatch_id=dispatch.pk) == "skipped"
    assert mail.outbox == []


# --- The coordinator's digest -----------------------------------------------------------------


@pytest.fixture
def tokyo_coordinator(pair_from_start, make_user):
    user = make_user(email="cora@example.org", first_name="Cora", timezone="Asia/Tokyo")
    pair_from_start.cohort.program.coordinators.add(user)
    return user


def test_stalled_pairs_reach_the_coordinators_digest_once_a_day_at_8_their_time(
    pair_from_start, tokyo_coordinator, scan
):
    stalled_at = START + 42 * DAY  # three cadences without a session
    # 08:00 in Tokyo is 23:00 UTC the day before.
    at(scan, stalled_at - timedelta(minutes=1))
    assert subjects(tokyo_coordinator.email) == []
    at(scan, stalled_at + timedelta(hours=13))  # 22:00 UTC: 07:00 on the 16th in Tokyo
    assert subjects(tokyo_coordinator.email) == []
    day_after = stalled_at + timedelta(hours=15)  # 00:00 UTC: 09:00 in Tokyo
    at(scan, day_after)
    assert subjects(tokyo_coordinator.email) == ["Daily digest: 1 quiet pair, 0 waiting requests"]
    digest = outbox_to(tokyo_coordinator.email)[0]
    assert "Mona" in digest.body and "Milo" in digest.body
    assert f"/mentorships/{pair_from_start.pk}/manage/" in digest.body
    for hours in (1, 5, 9):  # the same day in Tokyo until 15:00 UTC
        at(scan, day_after + timedelta(hours=hours))
    assert len(subjects(tokyo_coordinator.email)) == 1
    at(scan, datetime(2027, 2, 16, 23, 0, tzinfo=UTC))  # 08:00 on the 17th in Tokyo
    assert len(subjects(tokyo_coordinator.email)) == 2
    # The pair itself got its nudge at 2 cadences; content stays with them.
    assert "Time to meet again?" in subjects(pair_from_start.mentor.email)


def test_no_digest_when_nothing_needs_attention(pair_from_start, tokyo_coordinator, scan):
    log_session(pair_from_start, START + 40 * DAY)
    at(scan, START + 45 * DAY)
    assert subjects(tokyo_coordinator.email) == []


# --- Mentor requests --------------------------------------------------------------------------


@pytest.fixture
def mentor_request(pair_from_start, make_pair):
    cohort = pair_from_start.cohort
    mentee = cohort.enrolments.get(person=pair_from_start.mentees.get())
    other = make_pair().mentor
    mentor = EnrolmentFactory(cohort=cohort, person=other, role=Enrolment.Role.MENTOR)
    return MentorRequest.objects.create(
        cohort=cohort, mentee=mentee, mentor=mentor, created_at=START,
        expires_at=START + 14 * DAY,
    )  # fmt: skip


def test_a_request_pending_three_days_reminds_the_mentor_and_expiry_tells_the_mentee(
    mentor_request, tokyo_coordinator, scan
):
    mentor_email = mentor_request.mentor.person.email
    mentee_email = mentor_request.mentee.person.email
    log_session(mentor_request.mentee.person.mentorships_as_mentee.get(), START + 10 * DAY)
    at(scan, START + 3 * DAY - timedelta(minutes=1))
    assert "is waiting for your answer" not in " ".join(subjects(mentor_email))
    at(scan, START + 3 * DAY + timedelta(hours=1))
    (reminder,) = [s for s in subjects(mentor_email) if "waiting" in s]
    assert reminder.startswith("Milo ") and reminder.endswith("is waiting for your answer")
    # …and the coordinator's digest lists it (Tokyo: 08:00 is past at 10:00 UTC).
    assert subjects(tokyo_coordinator.email) == ["Daily digest: 0 quiet pairs, 1 waiting request"]

    at(scan, START + 14 * DAY)
    mentor_request.refresh_from_db()
    assert mentor_request.status == MentorRequest.Status.EXPIRED
    assert "Your mentor request expired" in subjects(mentee_email)
    at(scan, START + 15 * DAY)
    assert subjects(mentee_email).count("Your mentor request expired") == 1
    assert len([s for s in subjects(mentor_email) if "waiting" in s]) == 1


def test_an_answered_request_is_not_reminded(mentor_request, scan):
    MentorRequest.objects.filter(pk=mentor_request.pk).update(status="accepted")
    at(scan, START + 4 * DAY)
    assert not [m for m in mail.outbox if "waiting" in m.subject]
