"""Pulse surveys: 30 days after the match, then every `pulse_every_days` (the program's), to
everyone in an active pair, through the outbox; answered from the email link."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from notifications.models import Dispatch
from relationships.models import Mentorship, PulseAnswer
from relationships.pulse import pulse_round_due, pulse_token
from tests.notifications.pairs import make_pair, outbox_to, scan  # noqa: F401

pytestmark = pytest.mark.django_db

START = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
SUBJECT = "How useful is your mentoring so far?"


def test_rounds_fall_due_at_30_days_then_every_interval():
    assert pulse_round_due(START, START + 29 * DAY, 60) is None
    assert pulse_round_due(START, START + 30 * DAY, 60) == (0, START + 30 * DAY)
    assert pulse_round_due(START, START + 89 * DAY, 60) == (0, START + 30 * DAY)
    assert pulse_round_due(START, START + 90 * DAY, 60) == (1, START + 90 * DAY)
    assert pulse_round_due(START, START + 400 * DAY, 60) == (6, START + 390 * DAY)
    assert pulse_round_due(START, START + 90 * DAY, 0) is None  # the program sends none


@pytest.fixture
def pulse_pair(make_pair):  # noqa: F811
    with time_machine.travel(START, tick=False):
        return make_pair(started_at=START, pulse_every_days=60)


def pulses(email: str) -> list:
    return [m for m in outbox_to(email) if m.subject == SUBJECT]


def scan_at(scan, moment):  # noqa: F811
    with time_machine.travel(moment, tick=False):
        return scan()


def test_a_pulse_goes_to_both_at_30_days_then_every_60(pulse_pair, scan):  # noqa: F811
    mentee = pulse_pair.mentees.get()
    scan_at(scan, START + 29 * DAY)
    assert pulses(mentee.email) == pulses(pulse_pair.mentor.email) == []
    scan_at(scan, START + 30 * DAY)
    assert len(pulses(mentee.email)) == len(pulses(pulse_pair.mentor.email)) == 1
    for day in (31, 60, 89):
        scan_at(scan, START + day * DAY)
    assert len(pulses(mentee.email)) == 1  # once per round
    scan_at(scan, START + 90 * DAY)
    assert len(pulses(mentee.email)) == 2
    assert set(Dispatch.objects.filter(kind="pulse").values_list("occurrence", flat=True)) == {
        "pulse-0",
        "pulse-1",
    }


def test_the_program_sets_the_interval_and_zero_sends_none(pulse_pair, scan):  # noqa: F811
    program = pulse_pair.cohort.program
    program.pulse_every_days = 30
    program.save()
    scan_at(scan, START + 30 * DAY)
    scan_at(scan, START + 60 * DAY)
    assert len(pulses(pulse_pair.mentor.email)) == 2
    program.pulse_every_days = 0
    program.save()
    scan_at(scan, START + 90 * DAY)
    assert len(pulses(pulse_pair.mentor.email)) == 2


def test_a_beat_down_for_months_sends_one_pulse_not_a_backlog(pulse_pair, scan):  # noqa: F811
    scan_at(scan, START + 200 * DAY)
    assert len(pulses(pulse_pair.mentor.email)) == 1
    assert (
        Dispatch.objects.get(kind="pulse", recipient=pulse_pair.mentor.user).occurrence == "pulse-2"
    )


def test_pairs_not_running_get_no_pulse(pulse_pair, scan):  # noqa: F811
    Mentorship.objects.filter(pk=pulse_pair.pk).update(status=Mentorship.Status.PAUSED)
    scan_at(scan, START + 30 * DAY)
    assert pulses(pulse_pair.mentor.email) == []


def links(message) -> list[str]:
    return re.findall(r"https?://\S+/pulse/\S+/[1-5]/", message.body)


def test_the_email_links_answer_for_their_person_and_round(pulse_pair, scan):  # noqa: F811
    mentee = pulse_pair.mentees.get()
    scan_at(scan, START + 30 * DAY)
    four = links(pulses(mentee.email)[0])[3]
    path = four.split("//", 1)[1].split("/", 1)[1]
    client = Client()  # not signed in: the link is the authority
    page = client.get(f"/{path}")
    assert page.status_code == 200
    assert PulseAnswer.objects.count() == 0  # opening the link records nothing
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    assert client.post(f"/{path}", {"record": "1", "csrfmiddlewaretoken": token}).status_code == 204
    answer = PulseAnswer.objects.get()
    assert (answer.person, answer.round, answer.rating, answer.comment) == (mentee, 0, 4, "")
    client.post(f"/{path}", {"record": "1", "csrfmiddlewaretoken": token})
    assert PulseAnswer.objects.count() == 1  # a second click keeps one answer
    done = client.post(
        f"/{path}",
        {"rating": "3", "comment": "We keep rescheduling", "csrfmiddlewaretoken": token},
    )
    assert "your answer is saved" in done.content.decode()
    answer.refresh_from_db()
    assert (answer.rating, answer.comment, answer.share_with_coordinator) == (
        3,
        "We keep rescheduling",
        False,
    )
    # Answered: a later copy of the same round's message is not built again.
    assert pulses(mentee.email)[0] is not None


@pytest.mark.parametrize(
    "path",
    [
        "/pulse/not-a-token/4/",
        "/pulse/{token}/6/",
        "/pulse/{stranger}/4/",
        "/pulse/{closed}/4/",
    ],
)
def test_bad_links_are_404(pulse_pair, make_user, path):
    from tests.factories import PersonFactory

    stranger = PersonFactory(user=make_user(email="stranger@example.org"))
    token = pulse_token(pulse_pair.pk, pulse_pair.mentor.user_id, 0)
    tokens = {
        "token": token,
        "stranger": pulse_token(pulse_pair.pk, stranger.user_id, 0),
        "closed": token,
    }
    if "closed" in path:
        Mentorship.objects.filter(pk=pulse_pair.pk).update(status=Mentorship.Status.CLOSED)
    assert Client().get(path.format(**tokens)).status_code == 404


def test_the_coordinator_reads_a_comment_only_when_it_was_sent_to_them(pulse_pair, make_user):
    from relationships.services import pulse_answer_save

    coordinator = make_user(email="pulse-coordinator@example.org")
    pulse_pair.cohort.program.coordinators.add(coordinator)
    mentee = pulse_pair.mentees.get()
    pulse_answer_save(
        mentorship=pulse_pair, person=mentee, round_=0, rating=2,
        comment="sent-to-the-coordinator", share_with_coordinator=True,
    )  # fmt: skip
    pulse_answer_save(
        mentorship=pulse_pair, person=pulse_pair.mentor, round_=0, rating=5,
        comment="kept-to-myself-7c1", share_with_coordinator=False,
    )  # fmt: skip
    client = Client()
    client.force_login(coordinator)
    html = client.get(f"/mentorships/{pulse_pair.pk}/manage/").content.decode()
    assert "sent-to-the-coordinator" in html
    assert "kept-to-myself-7c1" not in html
    assert "3.5" in html  # the round's average: 2 and 5
    # An empty comment is never marked as shared.
    answer = pulse_answer_save(
        mentorship=pulse_pair,
        person=mentee,
        round_=1,
        rating=3,
        comment="",
        share_with_coordinator=True,
    )
    assert answer.share_with_coordinator is False
