from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from goals.services import goal_create
from relationships.services import TransitionError, mentorship_close
from sessions.models import SessionLog
from sessions.selectors import private_note_body
from sessions.services import (
    private_note_save,
    session_confirm,
    session_correct,
    session_log,
    session_rate,
)


def log(mentorship, person, **kwargs):
    values = {
        "occurred_at": timezone.now() - dt.timedelta(days=1),
        "duration_minutes": 45,
        "format": "video",
        "topics": ["Career", "career ", "Delegation"],
    } | kwargs
    return session_log(mentorship=mentorship, person=person, **values)


def test_either_side_logs_a_session_with_topics_and_goals(active, mentee):
    goal = goal_create(mentorship=active, owner=mentee, title="x")
    session = log(active, mentee, goals=[goal], shared_notes="We talked", rating=4)
    assert session.topics == ["career", "delegation"]
    assert list(session.goals_discussed.all()) == [goal]
    assert session.logged_by == mentee
    assert not session.is_confirmed
    assert session.ratings.get().rating == 4


def test_a_session_cannot_be_logged_before_the_agreement_is_confirmed(proposed, mentor):
    with pytest.raises(TransitionError):
        log(proposed, mentor)


def test_an_outsider_cannot_log(active, make_person):
    with pytest.raises(TransitionError):
        log(active, make_person("x@example.org"))


def test_the_other_side_confirms(active, mentor, mentee):
    session = log(active, mentor)
    with pytest.raises(TransitionError):
        session_confirm(session=session, person=mentor)
    session_confirm(session=session, person=mentee)
    session.refresh_from_db()
    assert session.confirmed_by == mentee
    assert session.confirmed_at is not None
    assert not session.corrected


def test_the_other_side_corrects_and_that_confirms_it(active, mentor, mentee):
    session = log(active, mentor, duration_minutes=90)
    when = timezone.now() - dt.timedelta(days=2)
    session_correct(
        session=session, person=mentee, occurred_at=when, duration_minutes=60, format="phone",
        topics=["feedback"], shared_notes="It was a phone call",
    )  # fmt: skip
    session.refresh_from_db()
    assert (session.duration_minutes, session.format, session.topics) == (60, "phone", ["feedback"])
    assert session.corrected
    assert session.confirmed_by == mentee
    with pytest.raises(TransitionError):
        session_correct(
            session=session, person=mentor, occurred_at=when, duration_minutes=5,
            format="chat", topics=[], shared_notes="",
        )  # fmt: skip


def test_correcting_without_a_change_confirms_but_is_no_correction(active, mentor, mentee):
    session = log(active, mentor, shared_notes="Notes")
    session_correct(
        session=session, person=mentee, occurred_at=session.occurred_at,
        duration_minutes=session.duration_minutes, format=session.format,
        topics=[" Career", "delegation"], shared_notes="Notes",
    )  # fmt: skip
    session.refresh_from_db()
    assert session.confirmed_by == mentee
    assert not session.corrected


def test_ratings_run_from_one_to_five_one_per_person(active, mentor, mentee):
    session = log(active, mentor)
    with pytest.raises(TransitionError):
        session_rate(session=session, person=mentee, rating=6)
    session_rate(session=session, person=mentee, rating=2)
    session_rate(session=session, person=mentee, rating=5, feedback="Great")
    assert session.ratings.get().rating == 5


def test_a_session_in_the_future_is_not_logged(active, mentor):
    with pytest.raises(TransitionError):
        log(active, mentor, occurred_at=timezone.now() + dt.timedelta(days=2))


def test_no_sessions_after_the_mentorship_closed(active, mentor):
    mentorship_close(mentorship=active, actor=None, reason="other")
    active.refresh_from_db()
    with pytest.raises(TransitionError):
        log(active, mentor)


def test_a_private_note_is_read_only_by_its_author(active, mentor, mentee):
    session = log(active, mentor, private_note="Mentee seems stressed about the reorg")
    assert private_note_body(session=session, reader=mentor) == (
        "Mentee seems stressed about the reorg"
    )
    assert private_note_body(session=session, reader=mentee) == ""
    private_note_save(session=session, author=mentee, body="My own thoughts")
    assert private_note_body(session=session, reader=mentee) == "My own thoughts"
    assert private_note_body(session=session, reader=mentor).startswith("Mentee seems")
    private_note_save(session=session, author=mentee, body="  ")
    assert private_note_body(session=session, reader=mentee) == ""
    assert SessionLog.objects.get().private_notes.count() == 1
