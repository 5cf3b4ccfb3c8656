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


def test_a_new_mentorship_is_proposed_with_the_programs_agreement(proposed_mentorship):
    program = proposed_mentorship.cohort.program
    assert proposed_mentorship.status == Status.PROPOSED
    assert proposed_mentorship.agreement.cadence_days == program.cadence_days
    assert (
        proposed_mentorship.agreement.confidentiality_statement == program.confidentiality_statement
    )
    assert list(proposed_mentorship.events.values_list("to_status", flat=True)) == [Status.PROPOSED]


def test_one_confirmation_is_not_enough_to_start(proposed_mentorship, mentor):
    agreement_confirm(mentorship=proposed_mentorship, person=mentor, actor=mentor.user)
    proposed_mentorship.refresh_from_db()
    assert proposed_mentorship.status == Status.PROPOSED
    assert not agreement_is_confirmed(proposed_mentorship)


def test_both_confirming_makes_the_mentorship_active_and_records_who(
    proposed_mentorship, mentor, mentee
):
    agreement_confirm(mentorship=proposed_mentorship, person=mentor, actor=mentor.user)
    agreement_confirm(mentorship=proposed_mentorship, person=mentee, actor=mentee.user)
    proposed_mentorship.refresh_from_db()
    assert proposed_mentorship.status == Status.ACTIVE
    assert proposed_mentorship.started_at is not None
    started = proposed_mentorship.events.get(
        kind=MentorshipEvent.Kind.STATUS, to_status=Status.ACTIVE
    )
    assert started.actor == mentee.user
    assert started.from_status == Status.PROPOSED
    confirmations = proposed_mentorship.agreement.confirmations.all()
    assert {c.person_id for c in confirmations} == {mentor.pk, mentee.pk}
    assert all(c.confirmed_at for c in confirmations)


def test_confirming_twice_changes_nothing(proposed_mentorship, mentor):
    agreement_confirm(mentorship=proposed_mentorship, person=mentor, actor=mentor.user)
    agreement_confirm(mentorship=proposed_mentorship, person=mentor, actor=mentor.user)
    assert proposed_mentorship.agreement.confirmations.count() == 1
    assert (
        proposed_mentorship.events.filter(kind=MentorshipEvent.Kind.AGREEMENT_CONFIRMED).count()
        == 1
    )


def test_an_outsider_cannot_confirm(proposed_mentorship, make_person):
    outsider = make_person("outsider@example.org")
    with pytest.raises(TransitionError):
        agreement_confirm(mentorship=proposed_mentorship, person=outsider, actor=outsider.user)


def test_editing_the_agreement_needs_both_to_confirm_again(active_mentorship, mentor, mentee):
    agreement_update(
        mentorship=active_mentorship,
        actor=mentor.user,
        cadence_days=7,
        preferred_format="video",
        mentor_commitments="Reply within two days",
        mentee_commitments="Bring an agenda",
    )
    active_mentorship.refresh_from_db()
    assert active_mentorship.agreement.version == 2
    assert not agreement_is_confirmed(active_mentorship)
    # Old confirmations stay on record, stamped with their version.
    assert active_mentorship.agreement.confirmations.filter(version=1).count() == 2
    agreement_confirm(mentorship=active_mentorship, person=mentee, actor=mentee.user)
    assert not agreement_is_confirmed(active_mentorship)
    agreement_confirm(mentorship=active_mentorship, person=mentor, actor=mentor.user)
    assert agreement_is_confirmed(active_mentorship)
    assert active_mentorship.events.filter(kind=MentorshipEvent.Kind.AGREEMENT_UPDATED).count() == 1


def test_saving_an_unchanged_agreement_keeps_the_confirmations(active_mentorship, mentor):
    agreement = active_mentorship.agreement
    agreement_update(
        mentorship=active_mentorship,
        actor=mentor.user,
        cadence_days=agreement.cadence_days,
        preferred_format=agreement.preferred_format,
        mentor_commitments=agreement.mentor_commitments,
        mentee_commitments=agreement.mentee_commitments,
    )
    assert agreement_is_confirmed(active_mentorship)


def test_a_group_starts_only_when_every_mentee_has_confirmed(
    active_cohort, mentor, mentee, make_person
):
    from relationships.services import mentorship_create

    second = make_person("second@example.org")
    EnrolmentFactory(cohort=active_cohort, person=second, role="mentee", status="approved")
    active_cohort.enrolments.filter(person=mentor).update(capacity=2)
    group = mentorship_create(cohort=active_cohort, mentor=mentor, mentees=[mentee, second])
    for person in (mentor, mentee):
        agreement_confirm(mentorship=group, person=person)
    group.refresh_from_db()
    assert group.status == Status.PROPOSED
    agreement_confirm(mentorship=group, person=second)
    group.refresh_from_db()
    assert group.status == Status.ACTIVE


def test_pause_and_resume(active_mentorship, mentor):
    mentorship_pause(mentorship=active_mentorship, actor=mentor.user)
    active_mentorship.refresh_from_db()
    assert active_mentorship.status == Status.PAUSED
    mentorship_resume(mentorship=active_mentorship, actor=mentor.user)
    active_mentorship.refresh_from_db()
    assert active_mentorship.status == Status.ACTIVE
    assert list(
        active_mentorship.events.filter(kind="status").values_list("from_status", "to_status")
    ) == [
        ("", "proposed"),
        ("proposed", "active"),
        ("active", "paused"),
        ("paused", "active"),
    ]


def test_closing_early_needs_a_reason_and_keeps_the_comment(active_mentorship, mentor):
    with pytest.raises(TransitionError):
        mentorship_close(mentorship=active_mentorship, actor=mentor.user, reason="")
    mentorship_close(
        mentorship=active_mentorship, actor=mentor.user, reason="no_time", comment="New job, sorry"
    )
    active_mentorship.refresh_from_db()
    assert active_mentorship.status == Status.CLOSED
    assert active_mentorship.close_reason == "no_time"
    assert active_mentorship.close_comment == "New job, sorry"
    assert active_mentorship.ended_at is not None
    assert active_mentorship.events.last().note == "No time"


def test_a_paused_mentorship_can_complete(active_mentorship, mentor):
    mentorship_pause(mentorship=active_mentorship, actor=mentor.user)
    mentorship_complete(mentorship=active_mentorship, actor=mentor.user)
    active_mentorship.refresh_from_db()
    assert active_mentorship.status == Status.COMPLETED
    assert active_mentorship.close_reason == "goals_met"


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
def test_only_sensible_transitions_are_allowed(proposed_mentorship, mentor, mentee, setup, action):
    actions = {
        "pause": lambda: mentorship_pause(mentorship=proposed_mentorship, actor=None),
        "resume": lambda: mentorship_resume(mentorship=proposed_mentorship, actor=None),
        "complete": lambda: mentorship_complete(mentorship=proposed_mentorship, actor=None),
        "close": lambda: mentorship_close(
            mentorship=proposed_mentorship, actor=None, reason="other"
        ),
        "start": lambda: [
            agreement_confirm(mentorship=proposed_mentorship, person=p) for p in (mentor, mentee)
        ],
    }
    for step in setup:
        actions[step]()
        proposed_mentorship.refresh_from_db()
    before = proposed_mentorship.status
    with pytest.raises(TransitionError):
        actions[action]()
    proposed_mentorship.refresh_from_db()
    assert proposed_mentorship.status == before


def test_a_proposed_mentorship_can_be_closed_before_it_starts(proposed_mentorship):
    mentorship_close(mentorship=proposed_mentorship, actor=None, reason="not_a_good_fit")
    proposed_mentorship.refresh_from_db()
    assert proposed_mentorship.status == Status.CLOSED


def test_an_ended_mentorship_cannot_be_confirmed_or_edited(active_mentorship, mentor):
    mentorship_complete(mentorship=active_mentorship, actor=None)
    with pytest.raises(TransitionError, match="ended"):
        agreement_confirm(mentorship=active_mentorship, person=mentor, actor=mentor.user)
    assert (
        active_mentorship.events.filter(kind=MentorshipEvent.Kind.AGREEMENT_CONFIRMED).count() == 2
    )
    with pytest.raises(TransitionError):
        agreement_update(
            mentorship=active_mentorship,
            actor=None,
            cadence_days=3,
            preferred_format="",
            mentor_commitments="",
            mentee_commitments="",
        )
