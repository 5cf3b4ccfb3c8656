from __future__ import annotations

import pytest

from relationships.models import Mentorship, MentorshipEvent
from relationships.services import (
    TransitionError,
    agreement_confirm,
    agreement_is_confirmed,
    agreement_update,
    mentorship_close,
    mentorship_complete,
    mentorship_pause,
    mentorship_resume,
)
from tests.factories import EnrolmentFactory

Status = Mentorship.Status


def test_a_new_mentorship_is_proposed_with_the_programs_agreement(proposed, program):
    assert proposed.status == Status.PROPOSED
    assert proposed.agreement.cadence_days == program.cadence_days
    assert proposed.agreement.confidentiality_statement == program.confidentiality_statement
    assert list(proposed.events.values_list("to_status", flat=True)) == [Status.PROPOSED]


def test_one_confirmation_is_not_enough_to_start(proposed, mentor):
    agreement_confirm(mentorship=proposed, person=mentor, actor=mentor.user)
    proposed.refresh_from_db()
    assert proposed.status == Status.PROPOSED
    assert not agreement_is_confirmed(proposed)


def test_both_confirming_makes_the_mentorship_active_and_records_who(proposed, mentor, mentee):
    agreement_confirm(mentorship=proposed, person=mentor, actor=mentor.user)
    agreement_confirm(mentorship=proposed, person=mentee, actor=mentee.user)
    proposed.refresh_from_db()
    assert proposed.status == Status.ACTIVE
    assert proposed.started_at is not None
    started = proposed.events.get(kind=MentorshipEvent.Kind.STATUS, to_status=Status.ACTIVE)
    assert started.actor == mentee.user
    assert started.from_status == Status.PROPOSED
    confirmations = proposed.agreement.confirmations.all()
    assert {c.person_id for c in confirmations} == {mentor.pk, mentee.pk}
    assert all(c.confirmed_at for c in confirmations)


def test_confirming_twice_changes_nothing(proposed, mentor):
    agreement_confirm(mentorship=proposed, person=mentor, actor=mentor.user)
    agreement_confirm(mentorship=proposed, person=mentor, actor=mentor.user)
    assert proposed.agreement.confirmations.count() == 1
    assert proposed.events.filter(kind=MentorshipEvent.Kind.AGREEMENT_CONFIRMED).count() == 1


def test_an_outsider_cannot_confirm(proposed, make_person):
    outsider = make_person("outsider@example.org")
    with pytest.raises(TransitionError):
        agreement_confirm(mentorship=proposed, person=outsider, actor=outsider.user)


def test_editing_the_agreement_needs_both_to_confirm_again(active, mentor, mentee):
    agreement_update(
        mentorship=active,
        actor=mentor.user,
        cadence_days=7,
        preferred_format="video",
        mentor_commitments="Reply within two days",
        mentee_commitments="Bring an agenda",
    )
    active.refresh_from_db()
    assert active.agreement.version == 2
    assert not agreement_is_confirmed(active)
    # Old confirmations stay on record, stamped with their version.
    assert active.agreement.confirmations.filter(version=1).count() == 2
    agreement_confirm(mentorship=active, person=mentee, actor=mentee.user)
    assert not agreement_is_confirmed(active)
    agreement_confirm(mentorship=active, person=mentor, actor=mentor.user)
    assert agreement_is_confirmed(active)
    assert active.events.filter(kind=MentorshipEvent.Kind.AGREEMENT_UPDATED).count() == 1


def test_saving_an_unchanged_agreement_keeps_the_confirmations(active, mentor):
    agreement = active.agreement
    agreement_update(
        mentorship=active,
        actor=mentor.user,
        cadence_days=agreement.cadence_days,
        preferred_format=agreement.preferred_format,
        mentor_commitments=agreement.mentor_commitments,
        mentee_commitments=agreement.mentee_commitments,
    )
    assert agreement_is_confirmed(active)


def test_a_group_starts_only_when_every_mentee_has_confirmed(cohort, mentor, mentee, make_person):
    from relationships.services import mentorship_create

    second = make_person("second@example.org")
    EnrolmentFactory(cohort=cohort, person=second, role="mentee", status="approved")
    cohort.enrolments.filter(person=mentor).update(capacity=2)
    group = mentorship_create(cohort=cohort, mentor=mentor, mentees=[mentee, second])
    for person in (mentor, mentee):
        agreement_confirm(mentorship=group, person=person)
    group.refresh_from_db()
    assert group.status == Status.PROPOSED
    agreement_confirm(mentorship=group, person=second)
    group.refresh_from_db()
    assert group.status == Status.ACTIVE


def test_pause_and_resume(active, mentor):
    mentorship_pause(mentorship=active, actor=mentor.user)
    active.refresh_from_db()
    assert active.status == Status.PAUSED
    mentorship_resume(mentorship=active, actor=mentor.user)
    active.refresh_from_db()
    assert active.status == Status.ACTIVE
    assert list(active.events.filter(kind="status").values_list("from_status", "to_status")) == [
        ("", "proposed"),
        ("proposed", "active"),
        ("active", "paused"),
        ("paused", "active"),
    ]


def test_closing_early_needs_a_reason_and_keeps_the_comment(active, mentor):
    with pytest.raises(TransitionError):
        mentorship_close(mentorship=active, actor=mentor.user, reason="")
    mentorship_close(
        mentorship=active, actor=mentor.user, reason="no_time", comment="New job, sorry"
    )
    active.refresh_from_db()
    assert active.status == Status.CLOSED
    assert active.close_reason == "no_time"
    assert active.close_comment == "New job, sorry"
    assert active.ended_at is not None
    assert active.events.last().note == "No time"


def test_a_paused_mentorship_can_complete(active, mentor):
    mentorship_pause(mentorship=active, actor=mentor.user)
    mentorship_complete(mentorship=active, actor=mentor.user)
    active.refresh_from_db()
    assert active.status == Status.COMPLETED
    assert active.close_reason == "goals_met"


@pytest.mark.parametrize(
    ("setup", "action"),
    [
        ([], "pause"),  # proposed cannot pause
        ([], "complete"),  # nor complete before it started
        ([], "resume"),
        (["start"], "resume"),  # active cannot resume
        (["start", "complete"], "pause"),  # ended is final
        (["start", "complete"], "close"),
        (["start", "close"], "resume"),
    ],
)
def test_only_sensible_transitions_are_allowed(proposed, mentor, mentee, setup, action):
    actions = {
        "pause": lambda: mentorship_pause(mentorship=proposed, actor=None),
        "resume": lambda: mentorship_resume(mentorship=proposed, actor=None),
        "complete": lambda: mentorship_complete(mentorship=proposed, actor=None),
        "close": lambda: mentorship_close(mentorship=proposed, actor=None, reason="other"),
        "start": lambda: [
            agreement_confirm(mentorship=proposed, person=p) for p in (mentor, mentee)
        ],
    }
    for step in setup:
        actions[step]()
        proposed.refresh_from_db()
    before = proposed.status
    with pytest.raises(TransitionError):
        actions[action]()
    proposed.refresh_from_db()
    assert proposed.status == before


def test_a_proposed_mentorship_can_be_closed_before_it_starts(proposed):
    mentorship_close(mentorship=proposed, actor=None, reason="not_a_good_fit")
    proposed.refresh_from_db()
    assert proposed.status == Status.CLOSED


def test_an_ended_mentorship_cannot_be_confirmed_or_edited(active, mentor):
    mentorship_complete(mentorship=active, actor=None)
    with pytest.raises(TransitionError, match="ended"):
        agreement_confirm(mentorship=active, person=mentor, actor=mentor.user)
    assert active.events.filter(kind=MentorshipEvent.Kind.AGREEMENT_CONFIRMED).count() == 2
    with pytest.raises(TransitionError):
        agreement_update(
            mentorship=active,
            actor=None,
            cadence_days=3,
            preferred_format="",
            mentor_commitments="",
            mentee_commitments="",
        )
