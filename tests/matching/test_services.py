from __future__ import annotations

import pytest
from django.core import mail

from matching import services
from matching.loading import MatchingError
from matching.models import ForbiddenPair, MatchRun, Proposal, Unmatched
from notifications.models import Dispatch
from notifications.services import dispatches_send
from relationships.models import Mentorship

pytestmark = pytest.mark.django_db


def pairs(run: MatchRun) -> set[tuple[str, str]]:
    return set(
        run.proposals.values_list("mentee__person__user__email", "mentor__person__user__email")
    )


def test_run_matches_everyone_it_can_and_never_a_manager(small_cohort, coordinator):
    run = services.match_run_create(cohort=small_cohort["cohort"], run_by=coordinator)
    got = pairs(run)
    assert len(got) == 3  # capacity 2 + 1 for three mentees
    assert ("ann@example.org", "max@example.org") not in got  # Max is Ann's manager
    assert run.n_mentees == 3 and run.n_mentors == 2
    assert run.objective == pytest.approx(sum(run.proposals.values_list("score", flat=True)))
    for proposal in run.proposals.all():
        assert sum(proposal.breakdown.values()) == pytest.approx(proposal.score)
    assert set(run.timings) >= {"loading", "scoring", "solving", "storing"}
    assert run.settings_snapshot["weights"]["expertise"] > 0


def test_locked_pair_survives_a_rerun_and_a_rejected_one_never_returns(small_cohort, coordinator):
    cohort = small_cohort["cohort"]
    run = services.match_run_create(cohort=cohort, run_by=coordinator)
    first, second = run.proposals.order_by("pk")[:2]
    services.proposal_lock(proposal=first, locked=True)
    rejected = (second.mentee.person.user.email, second.mentor.person.user.email)
    services.proposal_reject(proposal=second, user=coordinator)
    assert ForbiddenPair.objects.filter(cohort=cohort).count() == 1
    assert not Proposal.objects.filter(pk=second.pk).exists()

    rerun = services.match_run_create(cohort=cohort, run_by=coordinator)
    kept = rerun.proposals.get(mentee=first.mentee)
    assert kept.mentor_id == first.mentor_id and kept.locked
    assert rejected not in pairs(rerun)


def test_unmatched_mentee_gets_a_reason_and_candidates(small_cohort):
    cohort = small_cohort["cohort"]
    cohort.enrolments.filter(person__user__email="zoe@example.org").update(capacity=None)
    cohort.program.default_capacity = 1
    cohort.program.save()
    cohort.enrolments.filter(person__user__email="max@example.org").update(capacity=1)
    run = services.match_run_create(cohort=cohort)
    assert run.proposals.count() == 2
    row = Unmatched.objects.get(run=run)
    assert row.reason == Unmatched.Reason.CAPACITY_USED
    assert row.candidates and {"name", "email", "score", "enrolment"} <= set(row.candidates[0])


def test_pair_by_hand_refuses_a_reporting_chain_pair(small_cohort):
    run = services.match_run_create(cohort=small_cohort["cohort"])
    with pytest.raises(MatchingError, match="reporting line"):
        services.pair_by_hand(
            run=run, mentee_email="ann@example.org", mentor_email="max@example.org"
        )


def test_pair_by_hand_locks_the_pair_and_scores_it(small_cohort):
    run = services.match_run_create(cohort=small_cohort["cohort"])
    run.proposals.filter(mentor__person__user__email="zoe@example.org").delete()
    proposal = services.pair_by_hand(
        run=run, mentee_email="cat@example.org", mentor_email="zoe@example.org"
    )
    assert proposal.locked and proposal.source == Proposal.Source.MANUAL
    assert 0 <= proposal.score <= 100
    assert run.proposals.filter(mentee=proposal.mentee).count() == 1


def test_publish_creates_mentorships_and_emails_both(
    small_cohort, coordinator, django_capture_on_commit_callbacks
):
    run = services.match_run_create(cohort=small_cohort["cohort"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mentorships = services.match_run_publish(run=run, user=coordinator)
    assert len(mentorships) == 3
    assert {m.status for m in mentorships} == {Mentorship.Status.PROPOSED}
    run.refresh_from_db()
    assert run.status == MatchRun.Status.PUBLISHED and run.published_at
    assert len(mail.outbox) == 6
    recipients = {to for message in mail.outbox for to in message.to}
    assert "ann@example.org" in recipients and "zoe@example.org" in recipients
    # Through the outbox: one row per person and proposal, each sent.
    rows = Dispatch.objects.filter(kind="match_published")
    assert sorted(rows.values_list("object_id", flat=True)) == sorted(
        [pk for pk in run.proposals.values_list("pk", flat=True) for _ in range(2)]
    )
    assert set(rows.values_list("status", flat=True)) == {"sent"}


def test_publish_twice_is_refused(small_cohort, django_capture_on_commit_callbacks):
    run = services.match_run_create(cohort=small_cohort["cohort"])
    with django_capture_on_commit_callbacks(execute=True):
        services.match_run_publish(run=run)
    with pytest.raises(MatchingError, match="already published"):
        services.match_run_publish(run=run)


def test_the_match_emails_go_out_once_even_if_the_send_task_runs_again(
    small_cohort, django_capture_on_commit_callbacks
):
    run = services.match_run_create(cohort=small_cohort["cohort"])
    with django_capture_on_commit_callbacks(execute=True):
        services.match_run_publish(run=run)
    sent = len(mail.outbox)
    assert sent == 6
    # A task the broker delivers twice (a worker died before acknowledging it) sends nothing.
    dispatches_send(dispatch_ids=Dispatch.objects.values_list("pk", flat=True))
    assert len(mail.outbox) == sent


def test_group_program_publishes_one_mentorship_per_mentor(
    small_cohort, django_capture_on_commit_callbacks
):
    cohort = small_cohort["cohort"]
    cohort.program.format = "group"
    cohort.program.save()
    run = services.match_run_create(cohort=cohort)
    with django_capture_on_commit_callbacks(execute=True):
        mentorships = services.match_run_publish(run=run)
    assert len(mentorships) == 2
    assert sorted(m.mentees.count() for m in mentorships) == [1, 2]


def test_peer_program_pairs_people_enrolled_as_both(cohort):
    from tests.matching.conftest import enrol, make_person

    cohort.program.format = "peer"
    cohort.program.save()
    for i in range(4):
        enrol(cohort, make_person(f"peer{i}@example.org"), "both", interests=["x"], expertise=["x"])
    run = services.match_run_create(cohort=cohort)
    assert run.proposals.count() == 2
    people = [p for pair in pairs(run) for p in pair]
    assert len(set(people)) == 4


def test_run_without_mentors_or_mentees_says_so(cohort):
    with pytest.raises(MatchingError, match="no approved mentors"):
        services.match_run_create(cohort=cohort)


def test_optional_constraints_are_off_by_default_and_apply_when_set(small_cohort):
    from matching.loading import settings_for

    cohort = small_cohort["cohort"]
    settings = settings_for(cohort.program)
    assert not (settings.exclude_same_department or settings.exclude_same_manager)
    assert settings.max_tz_gap_hours is None
    cohort.enrolments.filter(person__user__email="zoe@example.org").update(capacity=3)
    settings.exclude_same_department = True
    settings.save()
    cohort.enrolments.filter(person__user__email="bob@example.org").update(status="withdrawn")
    small_cohort["people"]["cat"].department = "Engineering"
    small_cohort["people"]["cat"].save()
    run = services.match_run_create(cohort=cohort)
    assert ("cat@example.org", "zoe@example.org") not in pairs(run)


def test_earlier_pairings_are_excluded_only_when_the_program_says_so(
    small_cohort, program, django_capture_on_commit_callbacks
):
    from matching.loading import settings_for
    from programs.services import cohort_create
    from tests.matching.conftest import enrol

    earlier = small_cohort["cohort"]
    run = services.match_run_create(cohort=earlier)
    with django_capture_on_commit_callbacks(execute=True):
        services.match_run_publish(run=run)
    before = pairs(run)
    later = cohort_create(program=program, name="2028", slug="leaders-2028")
    for name in ("ann", "bob", "cat"):
        enrol(later, small_cohort["people"][name], "mentee", interests=["python"])
    for name in ("max", "zoe"):
        enrol(later, small_cohort["people"][name], "mentor", expertise=["python"], capacity=3)
    assert pairs(services.match_run_create(cohort=later)) & before
    settings = settings_for(program)
    settings.exclude_earlier_pairs = True
    settings.save()
    assert not pairs(services.match_run_create(cohort=later)) & before
