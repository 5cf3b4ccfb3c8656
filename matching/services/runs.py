"""Match runs: solve a cohort, let the coordinator lock, reject and add pairs in the draft,
then publish it as mentorships (relationships.services.mentorships_create)."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable

import numpy as np
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from jobs.models import Job
from jobs.progress import NO_PROGRESS, Progress
from jobs.services import job_start
from matching.engine import MatchResult, match_bipartite, match_peer, pair_breakdown
from matching.loading import CohortBlock, MatchingError, load_cohort
from matching.models import (
    MATCHABLE_FORMATS,
    ForbiddenPair,
    MatchRun,
    Proposal,
    Unmatched,
    matching_lock_key,
)
from matching.rules import explain_violations, pairing_review
from notifications.models import WebhookEvent
from notifications.registry import Message
from notifications.services import dispatches_create_now, webhooks_emit
from programs.models import Cohort, Enrolment
from relationships.models import Mentorship
from relationships.pairing import PairingRefused
from relationships.services import mentorships_create

KIND_MATCH_PUBLISHED = "match_published"
JOB_MATCH_RUN = "matching.run"


def _check_matchable(cohort: Cohort) -> None:
    if cohort.program.format not in MATCHABLE_FORMATS:
        raise MatchingError(
            _(
                "%(format)s programs rotate partners in rounds; "
                "plan them on the event page or with plan_flash_rounds."
            )
            % {"format": cohort.program.get_format_display()}
        )


def latest_run(cohort: Cohort) -> MatchRun | None:
    return cohort.match_runs.order_by("-created_at", "-pk").first()


def _locked_pairs(cohort: Cohort, block: CohortBlock) -> dict[tuple[int, int], str]:
    """Locked pairs of the latest draft run still possible now: (mentee, mentor) Person pks."""
    previous = latest_run(cohort)
    if previous is None or not previous.is_draft:
        return {}
    in_block = {p.person for p in block.mentees}, {p.person for p in block.mentors}
    locked = {}
    for mentee, mentor, source in previous.proposals.filter(locked=True).values_list(
        "mentee__person_id", "mentor__person_id", "source"
    ):
        if mentee in in_block[0] and mentor in in_block[1]:
            locked[(mentee, mentor)] = source
    return locked


def _previous_pairs(cohort: Cohort, block: CohortBlock) -> list[tuple[int, int]]:
    """The latest run's pairs as directory indices, for the solver's warm start: a run again
    after a few locks or rejections starts close to its answer."""
    previous = latest_run(cohort)
    if previous is None or block.peer:
        return []
    index_of = block.index_of
    return [
        (index_of[mentee], index_of[mentor])
        for mentee, mentor in previous.proposals.values_list(
            "mentee__person_id", "mentor__person_id"
        )
        if mentee in index_of and mentor in index_of
    ]


def _check_locked(block: CohortBlock, locked: dict[tuple[int, int], str]) -> None:
    row = {p.person: i for i, p in enumerate(block.mentees)}
    col = {p.person: i for i, p in enumerate(block.mentors)}
    names = {p.person: p.name for p in [*block.mentees, *block.mentors]}
    pairs = list(locked)
    broken_per_pair = block.violations(
        [row[mentee] for mentee, _mentor in pairs], [col[mentor] for _mentee, mentor in pairs]
    )
    for (mentee, mentor), broken in zip(pairs, broken_per_pair, strict=True):
        if broken:
            raise MatchingError(
                _(
                    "The locked pair %(mentee)s with %(mentor)s is no longer allowed: "
                    "%(rules)s. Unlock it and run again."
                )
                % {
                    "mentee": names[mentee],
                    "mentor": names[mentor],
                    "rules": explain_violations(broken),
                }
            )


def _solve(
    block: CohortBlock, locked: list[tuple[int, int]], warm: list[tuple[int, int]]
) -> MatchResult:
    kwargs = {**block.pair_lists, "locked": locked}
    try:
        if block.peer:
            return match_peer(
                block.mentee_side,
                block.directory,
                block.score_settings,
                block.constraint_settings,
                **kwargs,
            )
        return match_bipartite(
            block.mentee_side,
            block.mentor_side,
            block.directory,
            block.score_settings,
            block.constraint_settings,
            warm=warm,
            **kwargs,
        )
    except ValueError as exc:
        raise MatchingError(_("Matching could not run: %(error)s.") % {"error": exc}) from exc


def match_run_create(
    *,
    cohort: Cohort,
    run_by=None,
    on_result: Callable[[CohortBlock, MatchResult], None] | None = None,
    progress: Progress = NO_PROGRESS,
) -> MatchRun:
    """Match the whole cohort at once around the locked pairs and store the proposals.

    Loading and solving only read; the run and its proposals are written in one transaction
    at the end, so a run stopped part-way (cancelled, its worker killed) leaves nothing.
    `on_result` sees the engine's full result (every pair's score and feasibility), which
    the command line uses to export scores."""
    started = time.perf_counter()
    _check_matchable(cohort)
    progress(0, 3, _("Loading the cohort"))
    block = load_cohort(cohort)
    if block.peer and len(block.mentees) < 2:
        raise MatchingError(
            _("A peer cohort needs at least two approved participants (role both).")
        )
    if not block.peer and not block.mentors:
        raise MatchingError(_("This cohort has no approved mentors to match."))
    if not block.mentees:
        raise MatchingError(_("This cohort has no approved mentees waiting for a mentor."))
    locked_sources = _locked_pairs(cohort, block)
    _check_locked(block, locked_sources)
    warm = _previous_pairs(cohort, block)
    loaded = time.perf_counter()
    progress(
        1,
        3,
        _("Matching %(mentees)s mentees with %(mentors)s mentors")
        % {"mentees": len(block.mentees), "mentors": len(block.mentors)},
    )
    result = _solve(block, [block.pair(a, b) for a, b in locked_sources], warm)
    if on_result is not None:
        on_result(block, result)
    solved = time.perf_counter()
    progress(2, 3, _("Saving the proposals"))
    with transaction.atomic():
        progress.applying()
        run = _run_store(cohort, run_by, block, result, locked_sources)
        finished = time.perf_counter()
        run.timings = {
            "loading": round(loaded - started, 3),
            **{name: round(seconds, 3) for name, seconds in result.seconds.items()},
            "storing": round(finished - solved, 3),
        }
        run.seconds = round(finished - started, 3)
        run.save(update_fields=["timings", "seconds"])
    return run


def _run_store(
    cohort: Cohort,
    run_by,
    block: CohortBlock,
    result: MatchResult,
    locked_sources: dict[tuple[int, int], str],
) -> MatchRun:
    solution = result.solution
    run = MatchRun.objects.create(
        cohort=cohort,
        run_by=run_by,
        settings_snapshot=block.settings.snapshot(list(block.questions)),
        objective=solution.objective,
        method=f"{solution.method} ({solution.rounds} round{'s' if solution.rounds != 1 else ''})",
        n_mentees=len(block.mentees),
        n_mentors=len(block.mentors),
    )
    rows, cols = solution.pairs()
    scores = result.breakdown.score_cents.tolist()
    breakdowns = result.breakdown.as_dicts()
    proposals = []
    for k, (i, j) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
        mentee, mentor = block.mentees[i], block.mentors[j]
        source = locked_sources.get((mentee.person, mentor.person))
        proposals.append(
            Proposal(
                run=run,
                mentee_id=mentee.enrolment,
                mentor_id=mentor.enrolment,
                score=scores[k] / 100,
                breakdown=breakdowns[k],
                locked=source is not None,
                source=source or Proposal.Source.SOLVER,
            )
        )
    Proposal.objects.bulk_create(proposals, batch_size=2000)
    unmatched = []
    for entry in solution.unmatched:
        cents = result.cents[entry.mentee]
        candidates = [
            {
                "enrolment": block.mentors[c].enrolment,
                "name": block.mentors[c].name,
                "email": block.mentors[c].email,
                "score": int(cents[c]) / 100,
            }
            for c in entry.candidates
        ]
        unmatched.append(
            Unmatched(
                run=run,
                mentee_id=block.mentees[entry.mentee].enrolment,
                reason=entry.reason,
                candidates=candidates,
            )
        )
    Unmatched.objects.bulk_create(unmatched, batch_size=2000)
    return run


def match_run_start(*, cohort: Cohort, run_by=None) -> Job:
    """Match the cohort on a worker (matching.jobs does the work): one run per cohort at a
    time, a JobBusy naming the run under way otherwise."""
    _check_matchable(cohort)
    return job_start(
        kind=JOB_MATCH_RUN,
        title=_("Matching %(cohort)s") % {"cohort": cohort.name},
        target_id=cohort.pk,
        created_by=run_by,
        lock_key=matching_lock_key(cohort),
        back_url=reverse("matching:cohort", args=[cohort.slug]),
    )


def _editable(proposal: Proposal) -> MatchRun:
    run = proposal.run
    if not run.is_draft or latest_run(run.cohort).pk != run.pk:
        raise MatchingError(_("Only the latest draft run can be changed. Run matching again."))
    return run


@transaction.atomic
def proposal_lock(*, proposal: Proposal, locked: bool = True) -> Proposal:
    _editable(proposal)
    proposal.locked = locked
    proposal.save(update_fields=["locked"])
    return proposal


@transaction.atomic
def proposal_reject(*, proposal: Proposal, user=None) -> ForbiddenPair:
    """The pair is never proposed again in this cohort. Until the next run finds them someone
    else, the mentee (in a peer program, both people) shows as not matched, with the reason."""
    run = _editable(proposal)
    forbidden, _created = ForbiddenPair.objects.get_or_create(
        cohort=run.cohort,
        mentee_id=proposal.mentee.person_id,
        mentor_id=proposal.mentor.person_id,
        defaults={"created_by": user, "run": run},
    )
    left = [proposal.mentee_id]
    if run.cohort.program.format == "peer":
        left.append(proposal.mentor_id)
    proposal.delete()
    Unmatched.objects.bulk_create(
        Unmatched(
            run=run, mentee_id=enrolment, reason=Unmatched.Reason.REJECTED, rejection=forbidden
        )
        for enrolment in left
    )
    return forbidden


def _approved(cohort: Cohort, email: str) -> Enrolment:
    enrolment = (
        Enrolment.objects.filter(
            cohort=cohort,
            status=Enrolment.Status.APPROVED,
            person__user__email__iexact=email.strip(),
        )
        .select_related("person__user")
        .first()
    )
    if enrolment is None:
        raise MatchingError(
            _("%(email)s is not an approved participant of this cohort.") % {"email": email}
        )
    return enrolment


@transaction.atomic
def pair_by_hand(*, run: MatchRun, mentee_email: str, mentor_email: str, user=None) -> Proposal:
    """A coordinator's own pair: checked against every pairing rule, then locked. A refusal
    keeps the proposals it would have replaced."""
    cohort = run.cohort
    if not run.is_draft or latest_run(cohort).pk != run.pk:
        raise MatchingError(_("Only the latest draft run can be changed. Run matching again."))
    mentee, mentor = _approved(cohort, mentee_email), _approved(cohort, mentor_email)
    review = pairing_review(cohort=cohort, groups=[(mentor.person, [mentee.person])])
    if review.problems:
        raise PairingRefused(review.problems)
    block = review.block
    if block.peer:
        people = [mentee.pk, mentor.pk]
        run.proposals.filter(mentee_id__in=people).delete()
        run.proposals.filter(mentor_id__in=people).delete()
        run.unmatched.filter(mentee_id__in=people).delete()
    else:
        run.proposals.filter(mentee=mentee).delete()
        run.unmatched.filter(mentee=mentee).delete()
        capacity = int(block.mentor_side.capacity[0])
        if run.proposals.filter(mentor=mentor).count() >= capacity:
            raise MatchingError(
                _(
                    "%(mentor)s has no free slot in this run; reject or unlock one of "
                    "their pairs first."
                )
                % {"mentor": mentor.person.name}
            )
    breakdown = pair_breakdown(
        block.mentee_side, block.mentor_side, block.score_settings, np.array([0]), np.array([0])
    )
    return Proposal.objects.create(
        run=run,
        mentee=mentee,
        mentor=mentor,
        score=int(breakdown.score_cents[0]) / 100,
        breakdown=breakdown.as_dicts()[0],
        locked=True,
        source=Proposal.Source.MANUAL,
    )


@transaction.atomic
def match_run_publish(*, run: MatchRun, user=None) -> list[Mentorship]:
    """Turn the run's proposals into mentorships (status proposed) and tell both people.

    A cohort may publish again: a later run holds only people still without a partner, and
    publishing it creates only their mentorships. Every pair is checked again against the
    pairing rules, since requests, closures and re-imports may have changed things."""
    # The cohort row lock serialises two coordinators publishing at once.
    cohort = Cohort.objects.select_for_update().select_related("program").get(pk=run.cohort_id)
    run = MatchRun.objects.get(pk=run.pk)
    if not run.is_draft:
        raise MatchingError(_("This run is already published."))
    if latest_run(cohort).pk != run.pk:
        raise MatchingError(_("Only the latest run can be published."))
    proposals = list(
        run.proposals.select_related("mentee__person__user", "mentor__person__user").order_by("pk")
    )
    if not proposals:
        raise MatchingError(_("This run has no proposals to publish."))
    if cohort.program.format == "group":
        per_mentor: dict[int, list[Proposal]] = defaultdict(list)
        for proposal in proposals:
            per_mentor[proposal.mentor.person_id].append(proposal)
        batches = list(per_mentor.values())
    else:
        batches = [[proposal] for proposal in proposals]
    try:
        mentorships = mentorships_create(
            cohort=cohort,
            groups=[
                (batch[0].mentor.person, [p.mentee.person for p in batch]) for batch in batches
            ],
            source=Mentorship.Source.MATCHING,
            created_by=user,
        )
    except PairingRefused as exc:
        raise PairingRefused([*exc.problems, _("Run matching again.")]) from exc
    for batch, mentorship in zip(batches, mentorships, strict=True):
        for proposal in batch:
            proposal.mentorship = mentorship
    Proposal.objects.bulk_update(proposals, ["mentorship"], batch_size=2000)
    run.status = MatchRun.Status.PUBLISHED
    run.published_at = timezone.now()
    run.save(update_fields=["status", "published_at"])
    audit.record(
        audit.Action.MATCHING_PUBLISHED,
        actor=user,
        obj=run.cohort,
        detail={"run": run.pk, "pairs": len(mentorships)},
    )
    dispatches_create_now(
        messages=[
            Message(KIND_MATCH_PUBLISHED, proposal.pk, "", person.user_id)
            for proposal in proposals
            for person in (proposal.mentee.person, proposal.mentor.person)
        ]
    )
    webhooks_emit(
        event=WebhookEvent.MATCHING_PUBLISHED,
        items=[
            (
                run.pk,
                {
                    "run": run.pk,
                    "program": cohort.program.slug,
                    "cohort": cohort.slug,
                    "mentorships": [mentorship.pk for mentorship in mentorships],
                },
            )
        ],
    )
    return mentorships
