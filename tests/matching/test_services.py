from __future__ import annotations

import pytest
from django.core import mail

from matching import services
from matching.loading import MatchingError
from matching.models import ForbiddenPair, MatchRun, Proposal, Unmatched
from notifications.models import Dispatch
from notifications.services import dispatches_send
from relationships.models import Mentorship
from relationships.pairing import PairingRefused

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


def test_a_rerun_starts_from_the_latest_run_and_keeps_its_pairs_when_still_best(
    small_cohort, coordinator
):
    cohort = small_cohort["cohort"]
    first = services.match_run_create(cohort=cohort, run_by=coordinator)
    assert first.method.startswith("sparse")
    again = services.match_run_create(cohort=cohort, run_by=coordinator)
    # Nothing changed: the dual proof accepts the previous pairs without solving again.
    assert again.method == "warm (0 rounds)"
    assert pairs(again) == pairs(first)
    assert again.objective == first.objective


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
    with pytest.raises(PairingRefused, match="reporting line"):
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


def test_pair_by_hand_with_a_full_mentor_keeps_the_locked_pair_it_would_replace(small_cohort):
    run = services.match_run_create(cohort=small_cohort["cohort"])
    assert run.proposals.count() == 3  # both mentors are full
    kept = run.proposals.get(mentee__person__user__email="cat@example.org")
    services.proposal_lock(proposal=kept, locked=True)
    full = (
        "max@example.org"
        if kept.mentor.person.user.email == "zoe@example.org"
        else "zoe@example.org"
    )
    with pytest.raises(MatchingError, match="no free slot"):
        services.pair_by_hand(run=run, mentee_email="cat@example.org", mentor_email=full)
    kept.refresh_from_db()  # still there, still locked
    assert kept.locked and run.proposals.count() == 3


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


def test_peer_program_pairs_people_enrolled_as_both(matching_cohort):
    from tests.factories import enrol_person, person_from_email

    matching_cohort.program.format = "peer"
    matching_cohort.program.save()
    for i in range(4):
        enrol_person(
            matching_cohort,
            person_from_email(f"peer{i}@example.org"),
            "both",
            interests=["x"],
            expertise=["x"],
        )
    run = services.match_run_create(cohort=matching_cohort)
    assert run.proposals.count() == 2
    people = [p for pair in pairs(run) for p in pair]
    assert len(set(people)) == 4


def test_run_without_mentors_or_mentees_says_so(matching_cohort):
    with pytest.raises(MatchingError, match="no approved mentors"):
        services.match_run_create(cohort=matching_cohort)


def test_optional_constraints_are_off_by_default_and_apply_when_set(small_cohort):
    from matching.loading import settings_for

    cohort = small_cohort["cohort"]
    settings = settings_for(cohort.program)
    assert not (settings.exclude_same_department or settings.exclude_same_manager)
    assert settings.max_tz_gap_hours is None
    # Zoe is the only mentor left, with room for both mentees, and Cat joins her department.
    cohort.enrolments.filter(person__user__email="zoe@example.org").update(capacity=3)
    cohort.enrolments.filter(person__user__email__in=["bob@example.org", "max@example.org"]).update(
        status="withdrawn"
    )
    small_cohort["people"]["cat"].department = "Engineering"
    small_cohort["people"]["cat"].save()
    off = pairs(services.match_run_create(cohort=cohort))
    assert off == {("ann@example.org", "zoe@example.org"), ("cat@example.org", "zoe@example.org")}
    settings.exclude_same_department = True
    settings.save()
    on = pairs(services.match_run_create(cohort=cohort))
    assert on == {("ann@example.org", "zoe@example.org")}


def test_earlier_pairings_are_excluded_only_when_the_program_says_so(
    small_cohort, program, django_capture_on_commit_callbacks
):
    from matching.loading import settings_for
    from programs.services import cohort_create
    from tests.factories import enrol_person

    earlier = small_cohort["cohort"]
    run = services.match_run_create(cohort=earlier)
    with django_capture_on_commit_callbacks(execute=True):
        services.match_run_publish(run=run)
    before = pairs(run)
    later = cohort_create(program=program, name="2028", slug="leaders-2028")
    for name in ("ann", "bob", "cat"):
        enrol_person(later, small_cohort["people"][name], "mentee", interests=["python"])
    for name in ("max", "zoe"):
        enrol_person(
            later, small_cohort["people"][name], "mentor", expertise=["python"], capacity=3
        )
    assert pairs(services.match_run_create(cohort=later)) & before
    settings = settings_for(program)
    settings.exclude_earlier_pairs = True
    settings.save()
    assert not pairs(services.match_run_create(cohort=later)) & before


# --- After a reject: the page's data tell the truth ---------------------------------------------


def test_a_rejected_mentee_is_not_matched_with_the_reason_and_who_rejected(
    small_cohort, coordinator
):
    from matching import selectors

    run = services.match_run_create(cohort=small_cohort["cohort"], run_by=coordinator)
    proposal = run.proposals.select_related("mentor__person").order_by("pk").first()
    services.proposal_reject(proposal=proposal, user=coordinator)
    row = run.unmatched.get(mentee=proposal.mentee)
    assert row.reason == Unmatched.Reason.REJECTED
    assert row.rejection.created_by == coordinator
    assert row.rejected_partner == proposal.mentor.person
    figures = selectors.run_figures(run)
    assert (figures.matched, figures.rejected) == (2, 1)
    assert figures.total == pytest.approx(run.objective - proposal.score)
    assert figures.mean == pytest.approx(figures.total / 2)


def test_rejecting_a_peer_pair_leaves_both_people_not_matched(matching_cohort, coordinator):
    from tests.factories import enrol_person, person_from_email

    matching_cohort.program.format = "peer"
    matching_cohort.program.save()
    for i in range(4):
        enrol_person(
            matching_cohort,
            person_from_email(f"peer{i}@example.org"),
            "both",
            interests=["x"],
            expertise=["x"],
        )
    run = services.match_run_create(cohort=matching_cohort)
    proposal = run.proposals.first()
    services.proposal_reject(proposal=proposal, user=coordinator)
    rejected = run.unmatched.filter(reason=Unmatched.Reason.REJECTED)
    assert set(rejected.values_list("mentee", flat=True)) == {
        proposal.mentee_id,
        proposal.mentor_id,
    }


# --- Running again after publishing -------------------------------------------------------------


def test_a_run_after_publishing_matches_only_people_without_a_partner_and_publishes(
    small_cohort, django_capture_on_commit_callbacks
):
    from relationships.services import mentorship_close
    from tests.factories import enrol_person, person_from_email

    cohort, people = small_cohort["cohort"], small_cohort["people"]
    first = services.match_run_create(cohort=cohort)
    with django_capture_on_commit_callbacks(execute=True):
        services.match_run_publish(run=first)
    # Max manages Ann, so Ann is with Zoe and Bob and Cat share Max's two slots.
    closed = Mentorship.objects.get(cohort=cohort, mentees=people["bob"])
    assert closed.mentor == people["max"]
    mentorship_close(mentorship=closed, actor=None, reason="not_a_good_fit")
    enrol_person(cohort, person_from_email("late@example.org"), "mentee", interests=["python"])

    second = services.match_run_create(cohort=cohort)
    assert second.n_mentees == 2  # Bob and the late joiner; Ann and Cat keep their mentors
    assert ("bob@example.org", "max@example.org") not in pairs(second)
    assert pairs(second) == {("late@example.org", "max@example.org")}  # Max's freed slot
    assert run_mentees(second) == {"bob@example.org", "late@example.org"}
    with django_capture_on_commit_callbacks(execute=True):
        created = services.match_run_publish(run=second)
    assert len(created) == 1 and created[0].mentees.get().user.email == "late@example.org"
    second.refresh_from_db()
    assert second.status == MatchRun.Status.PUBLISHED
    assert Mentorship.objects.filter(cohort=cohort).count() == 4


def test_a_pair_that_ended_in_the_cohort_is_never_proposed_again(
    small_cohort, django_capture_on_commit_callbacks
):
    from relationships.services import mentorship_close

    cohort, people = small_cohort["cohort"], small_cohort["people"]
    with django_capture_on_commit_callbacks(execute=True):
        services.match_run_publish(run=services.match_run_create(cohort=cohort))
    closed = Mentorship.objects.get(cohort=cohort, mentees=people["bob"])
    mentorship_close(mentorship=closed, actor=None, reason="not_a_good_fit")
    # Bob's old mentor is the only one with a free slot: still not him again.
    rerun = services.match_run_create(cohort=cohort)
    assert not rerun.proposals.exists()
    assert run_mentees(rerun) == {"bob@example.org"}


def run_mentees(run: MatchRun) -> set[str]:
    matched = run.proposals.values_list("mentee__person__user__email", flat=True)
    waiting = run.unmatched.values_list("mentee__person__user__email", flat=True)
    return {*matched, *waiting}


def test_a_peer_run_after_publishing_leaves_both_partners_of_a_published_pair_alone(
    matching_cohort, django_capture_on_commit_callbacks
):
    from tests.factories import enrol_person, person_from_email

    matching_cohort.program.format = "peer"
    matching_cohort.program.save()
    for i in range(4):
        enrol_person(
            matching_cohort,
            person_from_email(f"peer{i}@example.org"),
            "both",
            interests=["x"],
            expertise=["x"],
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.match_run_publish(run=services.match_run_create(cohort=matching_cohort))
    for name in ("late1", "late2"):
        enrol_person(
            matching_cohort,
            person_from_email(f"{name}@example.org"),
            "both",
            interests=["x"],
            expertise=["x"],
        )
    rerun = services.match_run_create(cohort=matching_cohort)
    assert rerun.n_mentees == 2
    assert {p for pair in pairs(rerun) for p in pair} == {"late1@example.org", "late2@example.org"}


def test_a_group_run_after_publishing_adds_newcomers_to_the_mentors_group(
    small_cohort, django_capture_on_commit_callbacks
):
    from tests.factories import enrol_person, person_from_email

    cohort = small_cohort["cohort"]
    cohort.program.format = "group"
    cohort.program.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.match_run_publish(run=services.match_run_create(cohort=cohort))
    small_cohort["enrolments"]["zoe"].capacity = 2
    small_cohort["enrolments"]["zoe"].save()
    enrol_person(cohort, person_from_email("late@example.org"), "mentee", interests=["python"])
    with django_capture_on_commit_callbacks(execute=True):
        services.match_run_publish(run=services.match_run_create(cohort=cohort))
    assert Mentorship.objects.filter(cohort=cohort).count() == 2
    group = Mentorship.objects.get(cohort=cohort, mentor=small_cohort["people"]["zoe"])
    assert set(group.mentees.values_list("user__email", flat=True)) == {
        "ann@example.org",
        "late@example.org",
    }
