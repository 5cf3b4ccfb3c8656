from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from goals.services import goal_create
from relationships.services import TransitionError, mentorship_close
from sessions.models import SessionLog
from sessions.selectors import private_note_body
from sessions.services import (
    SessionAlreadyLogged,
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


def test_either_side_logs_a_session_with_topics_and_goals(active_mentorship, mentee):
    goal = goal_create(mentorship=active_mentorship, owner=mentee, title="x")
    session = log(active_mentorship, mentee, goals=[goal], shared_notes="We talked", rating=4)
    assert session.topics == ["career", "delegation"]
    assert list(session.goals_discussed.all()) == [goal]
    assert session.logged_by == mentee
    assert not session.is_confirmed
    assert session.ratings.get().rating == 4


def test_a_session_cannot_be_logged_before_the_agreement_is_confirmed(proposed_mentorship, mentor):
    with pytest.raises(TransitionError):
        log(proposed_mentorship, mentor)


def test_an_outsider_cannot_log(active_mentorship, make_person):
    with pytest.raises(TransitionError):
        log(active_mentorship, make_person("x@example.org"))


def test_the_other_side_confirms(active_mentorship, mentor, mentee):
    session = log(active_mentorship, mentor)
    with pytest.raises(TransitionError):
        session_confirm(session=session, person=mentor)
    session_confirm(session=session, person=mentee)
    session.refresh_from_db()
    assert session.confirmed_by == mentee
    assert session.confirmed_at is not None
    assert not session.corrected


def test_the_other_side_corrects_and_that_confirms_it(active_mentorship, mentor, mentee):
    session = log(active_mentorship, mentor, duration_minutes=90)
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


def test_correcting_without_a_change_confirms_but_is_no_correction(
    active_mentorship, mentor, mentee
):
    session = log(active_mentorship, mentor, shared_notes="Notes")
    session_correct(
        session=session, person=mentee, occurred_at=session.occurred_at,
        duration_minutes=session.duration_minutes, format=session.format,
        topics=[" Career", "delegation"], shared_notes="Notes",
    )  # fmt: skip
    session.refresh_from_db()
    assert session.confirmed_by == mentee
    assert not session.corrected


def test_ratings_run_from_one_to_five_one_per_person(active_mentorship, mentor, mentee):
    session = log(active_mentorship, mentor)
    with pytest.raises(TransitionError):
        session_rate(session=session, person=mentee, rating=6)
    session_rate(session=session, person=mentee, rating=2)
    session_rate(session=session, person=mentee, rating=5, feedback="Great")
    assert session.ratings.get().rating == 5


def test_a_session_in_the_future_is_not_logged(active_mentorship, mentor):
    with pytest.raises(TransitionError):
        log(active_mentorship, mentor, occurred_at=timezone.now() + dt.timedelta(days=2))


def test_no_sessions_after_the_mentorship_closed(active_mentorship, mentor):
    mentorship_close(mentorship=active_mentorship, actor=None, reason="other")
    active_mentorship.refresh_from_db()
    with pytest.raises(TransitionError):
        log(active_mentorship, mentor)


def test_a_private_note_is_read_only_by_its_author(active_mentorship, mentor, mentee):
    session = log(active_mentorship, mentor, private_note="Mentee seems stressed about the reorg")
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


def test_the_same_session_logged_twice_is_refused(active_mentorship, mentor, mentee):
    first = log(active_mentorship, mentor)
    with pytest.raises(SessionAlreadyLogged):
        log(active_mentorship, mentor, occurred_at=first.occurred_at)
    with pytest.raises(SessionAlreadyLogged):  # the other side logging it too
        log(active_mentorship, mentee, occurred_at=first.occurred_at, shared_notes="Mine")
    assert SessionLog.objects.count() == 1
    log(active_mentorship, mentor, occurred_at=first.occurred_at - dt.timedelta(minutes=1))
    assert SessionLog.objects.count() == 2


def test_a_correction_cannot_move_a_session_onto_another(active_mentorship, mentor, mentee):
    first = log(active_mentorship, mentor)
    second = log(active_mentorship, mentor, occurred_at=first.occurred_at - dt.timedelta(days=3))
    with pytest.raises(SessionAlreadyLogged):
        session_correct(
            session=second, person=mentee, occurred_at=first.occurred_at, duration_minutes=45,
            format="video", topics=[], shared_notes="",
        )  # fmt: skip
    session_correct(  # its own time is fine
        session=second, person=mentee, occurred_at=second.occurred_at, duration_minutes=30,
        format="video", topics=[], shared_notes="",
    )  # fmt: skip


def test_the_database_keeps_one_log_per_pair_and_time(active_mentorship):
    when = timezone.now() - dt.timedelta(days=1)
    SessionLog.objects.create(mentorship=active_mentorship, occurred_at=when, duration_minutes=30)
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionLog.objects.create(
            mentorship=active_mentorship, occurred_at=when, duration_minutes=30
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_submits_at_the_same_moment_save_one_log(active_mentorship, mentor):
    when = timezone.now() - dt.timedelta(hours=1)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit() -> None:
        try:
            barrier.wait(timeout=10)
            log(active_mentorship, mentor, occurred_at=when)
            outcomes.append("saved")
        except SessionAlreadyLogged:
            outcomes.append("refused")
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "saved"]
    assert SessionLog.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_merges_duplicates_without_losing_what_anyone_wrote(
    active_mentorship, mentor, mentee
):
    executor = MigrationExecutor(connection)
    executor.migrate([("mentoring_sessions", "0001_initial")])  # before one log per time
    goal = goal_create(mentorship=active_mentorship, owner=mentee, title="Lead a meeting")
    first = log(active_mentorship, mentor, shared_notes="Agreed next steps", rating=4)
    private_note_save(session=first, author=mentor, body="First thoughts")
    when = first.occurred_at
    # A double submit and the other side logging it too, saved under the old rules.
    copy = log(
        active_mentorship, mentee, occurred_at=when - dt.timedelta(days=1), goals=[goal], rating=5
    )
    SessionLog.objects.filter(pk=copy.pk).update(topics=["delegation", "budget"])
    session_rate(session=copy, person=mentor, rating=2, feedback="Too short")
    private_note_save(session=copy, author=mentor, body="Second thoughts")
    private_note_save(session=copy, author=mentee, body="Mentee's own")
    same = log(
        active_mentorship, mentor, occurred_at=when - dt.timedelta(days=2), shared_notes="Agreed"
    )
    SessionLog.objects.filter(pk__in=[copy.pk, same.pk]).update(occurred_at=when)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("mentoring_sessions"))

    (kept,) = SessionLog.objects.all()
    assert kept.pk == first.pk
    assert kept.shared_notes == "Agreed next steps"
    assert kept.topics == ["career", "delegation", "budget"]
    assert list(kept.goals_discussed.all()) == [goal]
    assert kept.confirmed_by == mentee  # the mentee logged it too
    ratings = {r.person: (r.rating, r.feedback) for r in kept.ratings.all()}
    assert ratings == {mentor: (2, "Too short"), mentee: (5, "")}
    assert private_note_body(session=kept, reader=mentor) == "First thoughts\n\nSecond thoughts"
    assert private_note_body(session=kept, reader=mentee) == "Mentee's own"
