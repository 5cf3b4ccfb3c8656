from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta

import numpy as np
from django.db import transaction
from django.utils import timezone

from matching.engine import (
    MatchResult,
    match_bipartite,
    match_peer,
    pair_breakdown,
    pair_violations,
)
from matching.loading import (
    CohortBlock,
    MatchingError,
    load_cohort,
    open_mentee_counts,
    settings_for,
)
from matching.models import (
    MATCHABLE_FORMATS,
    ForbiddenPair,
    MatchRun,
    MentorRequest,
    Proposal,
    Unmatched,
)
from notifications.registry import Message
from notifications.services import dispatches_create_now
from programs.models import Cohort, Enrolment
from relationships.models import Mentorship
from relationships.services import mentorship_create

__all__ = ["MatchingError"]

# The mail these services send; matching.messages builds it.
KIND_MATCH_PUBLISHED = "match_published"
KIND_REQUEST_RECEIVED = "request_received"
KIND_REQUEST_ANSWERED = "request_answered"

RULE_LABELS = {
    "self": "they are the same person",
    "reporting_chain": "one of them is in the other's reporting line",
    "timezone_gap": "their time zones are further apart than the program allows",
    "same_department": "they work in the same department",
    "same_manager": "they have the same manager",
    "forbidden": "a coordinator rejected this pair",
    "earlier_pair": "they were paired in an earlier cohort",
}


def explain_violations(broken: list[str]) -> str:
    return "; ".join(RULE_LABELS.get(name, name) for name in broken)


# --- Match runs -------------------------------------------------------------------------------


def _check_matchable(cohort: Cohort) -> None:
    if cohort.program.format not in MATCHABLE_FORMATS:
        raise MatchingError(
            f"{cohort.program.get_format_display()} programs rotate partners; "
            "they are not matched here."
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


def _check_locked(block: CohortBlock, locked: dict[tuple[int, int], str]) -> None:
    row = {p.person: i for i, p in enumerate(block.mentees)}
    col = {p.person: i for i, p in enumerate(block.mentors)}
    names = {p.person: p.name for p in [*block.mentees, *block.mentors]}
    for mentee, mentor in locked:
        broken = pair_violations(
            block.mentee_side,
            block.mentor_side,
            block.directory,
            row[mentee],
            col[mentor],
            block.constraint_settings,
            block.forbidden,
            block.earlier,
            block.peer,
        )
        if broken:
            raise MatchingError(
                f"The locked pair {names[mentee]} with {names[mentor]} is no longer allowed: "
                f"{explain_violations(broken)}. Unlock it and run again."
            )


def _solve(block: CohortBlock, locked: list[tuple[int, int]]) -> MatchResult:
    kwargs = {"forbidden": block.forbidden, "earlier": block.earlier, "locked": locked}
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
            **kwargs,
        )
    except ValueError as exc:
        raise MatchingError(f"Matching could not run: {exc}.") from exc


@transaction.atomic
def match_run_create(
    *,
    cohort: Cohort,
    run_by=None,
    on_result: Callable[[CohortBlock, MatchResult], None] | None = None,
) -> MatchRun:
    """Match the whole cohort at once around the locked pairs and store the proposals.

    `on_result` sees the engine's full result (every pair's score and feasibility), which
    the command line uses to export scores."""
    started = time.perf_counter()
    _check_matchable(cohort)
    block = load_cohort(cohort)
    if block.peer and len(block.mentees) < 2:
        raise MatchingError("A peer cohort needs at least two approved participants (role both).")
    if not block.peer and not block.mentors:
        raise MatchingError("This cohort has no approved mentors to match.")
    if not block.mentees:
        raise MatchingError("This cohort has no approved mentees waiting for a mentor.")
    locked_sources = _locked_pairs(cohort, block)
    _check_locked(block, locked_sources)
    loaded = time.perf_counter()
    result = _solve(block, [block.pair(a, b) for a, b in locked_sources])
    if on_result is not None:
        on_result(block, result)
    solved = time.perf_counter()

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
    finished = time.perf_counter()
    run.timings = {
        "loading": round(loaded - started, 3),
        **{name: round(seconds, 3) for name, seconds in result.seconds.items()},
        "storing": round(finished - solved, 3),
    }
    run.seconds = round(finished - started, 3)
    run.save(update_fields=["timings", "seconds"])
    return run


def _editable(proposal: Proposal) -> MatchRun:
    run = proposal.run
    if not run.is_draft or latest_run(run.cohort).pk != run.pk:
        raise MatchingError("Only the latest draft run can be changed. Run matching again.")
    return run


@transaction.atomic
def proposal_lock(*, proposal: Proposal, locked: bool = True) -> Proposal:
    _editable(proposal)
    proposal.locked = locked
    proposal.save(update_fields=["locked"])
    return proposal


@transaction.atomic
def proposal_reject(*, proposal: Proposal, user=None) -> ForbiddenPair:
    """The pair is never proposed again in this cohort; the next run finds the mentee another."""
    run = _editable(proposal)
    forbidden, _ = ForbiddenPair.objects.get_or_create(
        cohort=run.cohort,
        mentee_id=proposal.mentee.person_id,
        mentor_id=proposal.mentor.person_id,
        defaults={"created_by": user},
    )
    proposal.delete()
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
        raise MatchingError(f"{email} is not an approved participant of this cohort.")
    return enrolment


@transaction.atomic
def pair_check(*, cohort: Cohort, mentee: Enrolment, mentor: Enrolment):
    """Every hard rule for one pair (reporting chain, forbidden pairs, the program's optional
    constraints, a mentee still waiting, a mentor still taking people), or MatchingError
    saying which fails. Returns the loaded block, for scoring the pair."""
    block = load_cohort(cohort, mentee_ids=[mentee.pk], mentor_ids=[mentor.pk])
    if not block.mentees:
        raise MatchingError(f"{mentee.person.name} is not a mentee waiting for a mentor here.")
    if not block.mentors:
        raise MatchingError(f"{mentor.person.name} is not a mentor in this cohort.")
    broken = pair_violations(
        block.mentee_side,
        block.mentor_side,
        block.directory,
        0,
        0,
        block.constraint_settings,
        block.forbidden,
        block.earlier,
        block.peer,
    )
    if broken:
        raise MatchingError(
            f"{mentee.person.name} and {mentor.person.name} cannot be paired: "
            f"{explain_violations(broken)}."
        )
    return block


@transaction.atomic
def mentorship_create_by_hand(*, cohort: Cohort, mentor, mentees, created_by=None) -> Mentorship:
    """A coordinator pairs people outside a match run: the same hard rules as matching."""
    # Lock the mentor's enrolment so two coordinators cannot both fill the last slot.
    mentor_enrolment = Enrolment.objects.select_for_update().get(cohort=cohort, person=mentor)
    for person in mentees:
        block = pair_check(
            cohort=cohort,
            mentee=Enrolment.objects.get(cohort=cohort, person=person),
            mentor=mentor_enrolment,
        )
    if not block.peer and len(mentees) > int(block.mentor_side.capacity[0]):
        raise MatchingError(
            f"{mentor.name} has {int(block.mentor_side.capacity[0])} free slot(s) left, "
            f"not {len(mentees)}."
        )
    return mentorship_create(
        cohort=cohort,
        mentor=mentor,
        mentees=list(mentees),
        source=Mentorship.Source.MANUAL,
        created_by=created_by,
    )


def pair_by_hand(*, run: MatchRun, mentee_email: str, mentor_email: str, user=None) -> Proposal:
    """A coordinator's own pair: checked against every hard constraint, then locked."""
    cohort = run.cohort
    if not run.is_draft or latest_run(cohort).pk != run.pk:
        raise MatchingError("Only the latest draft run can be changed. Run matching again.")
    mentee, mentor = _approved(cohort, mentee_email), _approved(cohort, mentor_email)
    block = pair_check(cohort=cohort, mentee=mentee, mentor=mentor)
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
                f"{mentor.person.name} has no free slot in this run; reject or unlock one of "
                "their pairs first."
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
    """Turn the run's proposals into mentorships (status proposed) and tell both people."""
    # The cohort row lock serialises two coordinators publishing at once.
    cohort = Cohort.objects.select_for_update().select_related("program").get(pk=run.cohort_id)
    if MatchRun.objects.filter(cohort=cohort, status=MatchRun.Status.PUBLISHED).exists():
        raise MatchingError("This cohort's matching is already published.")
    if latest_run(cohort).pk != run.pk:
        raise MatchingError("Only the latest run can be published.")
    proposals = list(
        run.proposals.select_related("mentee__person", "mentor__person").order_by("pk")
    )
    if not proposals:
        raise MatchingError("This run has no proposals to publish.")
    # Requests may have been accepted since the run: never overfill a mentor or double-place.
    taken, placed = open_mentee_counts(cohort)
    per_mentor: dict[int, list[Proposal]] = defaultdict(list)
    for proposal in proposals:
        if proposal.mentee.person_id in placed:
            raise MatchingError(
                f"{proposal.mentee.person.name} already has a mentor since this run. "
                "Run matching again."
            )
        per_mentor[proposal.mentor.person_id].append(proposal)
    if cohort.program.format != "peer":
        for group in per_mentor.values():
            mentor = group[0].mentor
            if taken.get(mentor.person_id, 0) + len(group) > mentor.effective_capacity:
                raise MatchingError(
                    f"{mentor.person.name} no longer has room for all their proposed mentees. "
                    "Run matching again."
                )
    groups = (
        list(per_mentor.values())
        if cohort.program.format == "group"
        else [[proposal] for proposal in proposals]
    )
    mentorships = []
    for group in groups:
        mentorship = mentorship_create(
            cohort=cohort,
            mentor=group[0].mentor.person,
            mentees=[p.mentee.person for p in group],
            source=Mentorship.Source.MATCHING,
            created_by=user,
        )
        mentorships.append(mentorship)
        for proposal in group:
            proposal.mentorship = mentorship
    Proposal.objects.bulk_update(proposals, ["mentorship"], batch_size=2000)
    run.status = MatchRun.Status.PUBLISHED
    run.published_at = timezone.now()
    run.save(update_fields=["status", "published_at"])
    dispatches_create_now(
        messages=[
            Message(KIND_MATCH_PUBLISHED, proposal.pk, "", person.user_id)
            for proposal in proposals
            for person in (proposal.mentee.person, proposal.mentor.person)
        ]
    )
    return mentorships


# --- Mentee requests ----------------------------------------------------------------------------


def requests_open_to(enrolment: Enrolment) -> bool:
    settings = settings_for(enrolment.cohort.program)
    return (
        settings.requests_allowed
        and enrolment.cohort.program.format in ("one_to_one", "group", "reverse")
        and enrolment.status == Enrolment.Status.APPROVED
        and enrolment.role == Enrolment.Role.MENTEE
    )


def _mentee_count(cohort: Cohort, mentor_person_id: int) -> int:
    through = Mentorship.mentees.through
    return through.objects.filter(
        mentorship__cohort=cohort,
        mentorship__mentor_id=mentor_person_id,
        mentorship__status__in=(
            Mentorship.Status.PROPOSED,
            Mentorship.Status.ACTIVE,
            Mentorship.Status.PAUSED,
        ),
    ).count()


def _has_mentor(cohort: Cohort, person_id: int) -> bool:
    return Mentorship.objects.filter(
        cohort=cohort,
        mentees=person_id,
        status__in=(Mentorship.Status.PROPOSED, Mentorship.Status.ACTIVE, Mentorship.Status.PAUSED),
    ).exists()


@transaction.atomic
def mentor_request_create(
    *, mentee: Enrolment, mentor_enrolment_id: int, message: str = ""
) -> MentorRequest:
    if not requests_open_to(mentee):
        raise MatchingError("This program does not take mentor requests from you.")
    # The mentee's row lock makes "at most N open requests" hold against a double submit.
    mentee = (
        Enrolment.objects.select_for_update().select_related("cohort__program").get(pk=mentee.pk)
    )
    cohort = mentee.cohort
    settings = settings_for(cohort.program)
    mentor = (
        Enrolment.objects.filter(
            cohort=cohort,
            pk=mentor_enrolment_id,
            status=Enrolment.Status.APPROVED,
            role__in=(Enrolment.Role.MENTOR, Enrolment.Role.BOTH),
        )
        .select_related("person__user")
        .first()
    )
    if mentor is None:
        raise MatchingError("That mentor is not available in this cohort.")
    if _has_mentor(cohort, mentee.person_id):
        raise MatchingError("You already have a mentor in this cohort.")
    pending = MentorRequest.objects.filter(mentee=mentee, status=MentorRequest.Status.PENDING)
    if pending.count() >= settings.max_requests:
        raise MatchingError(
            f"You can have at most {settings.max_requests} open requests. "
            "Withdraw one or wait for an answer."
        )
    if MentorRequest.objects.filter(mentee=mentee, mentor=mentor).exists():
        raise MatchingError(f"You have already asked {mentor.person.name}.")
    block = load_cohort(cohort, mentee_ids=[mentee.pk], mentor_ids=[mentor.pk])
    broken = pair_violations(
        block.mentee_side,
        block.mentor_side,
        block.directory,
        0,
        0,
        block.constraint_settings,
        block.forbidden,
        block.earlier,
    )
    if broken or int(block.mentor_side.capacity[0]) <= 0:
        raise MatchingError(f"{mentor.person.name} cannot take a request from you.")
    breakdown = pair_breakdown(
        block.mentee_side, block.mentor_side, block.score_settings, np.array([0]), np.array([0])
    )
    now = timezone.now()
    request = MentorRequest.objects.create(
        cohort=cohort,
        mentee=mentee,
        mentor=mentor,
        message=message.strip(),
        score=int(breakdown.score_cents[0]) / 100,
        created_at=now,
        expires_at=now + timedelta(days=settings.request_expiry_days),
    )
    dispatches_create_now(
        messages=[Message(KIND_REQUEST_RECEIVED, request.pk, "", mentor.person.user_id)]
    )
    return request


@transaction.atomic
def mentor_request_respond(*, request: MentorRequest, accept: bool, user=None) -> MentorRequest:
    """The mentor's answer. Accepting takes one of their slots, and never the last one twice:
    the mentor's enrolment row is locked while their mentees are counted."""
    # Both enrolments, always in primary-key order, so two accepts cannot deadlock.
    list(
        Enrolment.objects.select_for_update()
        .filter(pk__in=[request.mentee_id, request.mentor_id])
        .order_by("pk")
    )
    request = (
        MentorRequest.objects.select_for_update(of=("self",))
        .select_related("cohort__program", "mentee__person", "mentor__person", "mentor__cohort")
        .get(pk=request.pk)
    )
    if not request.is_pending:
        raise MatchingError(f"This request is already {request.get_status_display().lower()}.")
    if request.is_overdue:
        raise MatchingError("This request has expired.")
    now = timezone.now()
    request.responded_at = now
    if not accept:
        request.status = MentorRequest.Status.DECLINED
        request.save(update_fields=["status", "responded_at"])
        _tell_mentee(request)
        return request
    cohort, mentor, mentee = request.cohort, request.mentor, request.mentee
    if _has_mentor(cohort, mentee.person_id):
        raise MatchingError(f"{mentee.person.name} has found a mentor in the meantime.")
    if _mentee_count(cohort, mentor.person_id) >= mentor.effective_capacity:
        raise MatchingError("You have no free mentee slot left in this cohort.")
    existing = None
    if cohort.program.format == "group":
        existing = Mentorship.objects.filter(
            cohort=cohort,
            mentor_id=mentor.person_id,
            status__in=(Mentorship.Status.PROPOSED, Mentorship.Status.ACTIVE),
        ).first()
    if existing is not None:
        existing.mentees.add(mentee.person)
        mentorship = existing
    else:
        mentorship = mentorship_create(
            cohort=cohort,
            mentor=mentor.person,
            mentees=[mentee.person],
            source=Mentorship.Source.REQUEST,
            created_by=user,
        )
    request.status = MentorRequest.Status.ACCEPTED
    request.mentorship = mentorship
    request.save(update_fields=["status", "responded_at", "mentorship"])
    # The mentee has a mentor now; their other open requests are moot.
    MentorRequest.objects.filter(mentee=mentee, status=MentorRequest.Status.PENDING).update(
        status=MentorRequest.Status.WITHDRAWN, responded_at=now
    )
    _tell_mentee(request)
    return request


def _tell_mentee(request: MentorRequest) -> None:
    dispatches_create_now(
        messages=[
            Message(
                KIND_REQUEST_ANSWERED, request.pk, request.status, request.mentee.person.user_id
            )
        ]
    )


@transaction.atomic
def mentor_request_withdraw(*, request: MentorRequest) -> MentorRequest:
    changed = MentorRequest.objects.filter(
        pk=request.pk, status=MentorRequest.Status.PENDING
    ).update(status=MentorRequest.Status.WITHDRAWN, responded_at=timezone.now())
    if not changed:
        raise MatchingError("This request is no longer open.")
    request.refresh_from_db()
    return request


def mentor_requests_expire(*, now=None) -> int:
    """Mark pending requests past their expiry date as expired; returns how many."""
    now = now or timezone.now()
    return MentorRequest.objects.filter(
        status=MentorRequest.Status.PENDING, expires_at__lte=now
    ).update(status=MentorRequest.Status.EXPIRED, responded_at=now)
