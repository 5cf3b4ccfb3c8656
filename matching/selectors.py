from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db.models import Avg, Count, QuerySet, Sum
from django.utils import timezone

from matching.engine import pair_breakdown, score_matrix
from matching.loading import Participant, load_cohort
from matching.models import QUESTION_PREFIX, MatchRun, MentorRequest, Proposal
from programs.models import Cohort, Enrolment

CRITERION_LABELS = {
    "expertise": "Expertise for interests",
    "seniority": "Seniority",
    "department": "Department",
    "language": "Shared language",
    "timezone": "Time zone",
    "format": "Meeting format",
}


def criterion_label(name: str, questions: dict[str, str]) -> str:
    if name.startswith(QUESTION_PREFIX):
        slug = name[len(QUESTION_PREFIX) :]
        return questions.get(slug, slug)
    return CRITERION_LABELS.get(name, name)


def breakdown_rows(breakdown: dict[str, float], questions: dict[str, str]) -> list[tuple]:
    """(label, points) per criterion, the biggest contribution first."""
    return sorted(
        ((criterion_label(name, questions), points) for name, points in breakdown.items()),
        key=lambda row: -row[1],
    )


def question_texts(program) -> dict[str, str]:
    return dict(program.questions.values_list("slug", "text"))


def runs_for(cohort: Cohort) -> QuerySet[MatchRun]:
    """The cohort's runs, newest first, each with the total score of its proposals now
    (`score_total`: pairs rejected since the run no longer count)."""
    return (
        cohort.match_runs.select_related("run_by")
        .annotate(score_total=Sum("proposals__score", default=0.0))
        .order_by("-created_at", "-pk")
    )


def run_proposals(run: MatchRun) -> QuerySet[Proposal]:
    return run.proposals.select_related("mentee__person__user", "mentor__person__user").order_by(
        "-locked", "-score", "pk"
    )


def run_unmatched(run: MatchRun):
    return run.unmatched.select_related(
        "mentee__person__user",
        "rejection__mentee__user",
        "rejection__mentor__user",
        "rejection__created_by",
    ).order_by("pk")


@dataclass(frozen=True)
class RunFigures:
    """A run's figures as they stand: pairs rejected since the run no longer count."""

    matched: int
    total: float
    mean: float
    rejected: int  # pairs rejected since the run; its figures are stale until the next run


def run_figures(run: MatchRun) -> RunFigures:
    figures = run.proposals.aggregate(matched=Count("pk"), total=Sum("score"), mean=Avg("score"))
    return RunFigures(
        matched=figures["matched"],
        total=figures["total"] or 0.0,
        mean=figures["mean"] or 0.0,
        rejected=run.rejections.count(),
    )


def overdue_requests(cohort: Cohort) -> QuerySet[MentorRequest]:
    """Pending requests nobody answered within the program's expiry days."""
    return (
        MentorRequest.objects.filter(
            cohort=cohort, status=MentorRequest.Status.PENDING, expires_at__lte=timezone.now()
        )
        .select_related("mentee__person__user", "mentor__person__user")
        .order_by("expires_at")
    )


def requests_received(user) -> QuerySet[MentorRequest]:
    return (
        MentorRequest.objects.filter(mentor__person__user=user)
        .select_related("mentee__person__user", "cohort__program")
        .order_by("-created_at", "-pk")
    )


def requests_made(user) -> QuerySet[MentorRequest]:
    return (
        MentorRequest.objects.filter(mentee__person__user=user)
        .select_related("mentor__person__user", "cohort__program")
        .order_by("-created_at", "-pk")
    )


def request_enrolments(user) -> list[Enrolment]:
    """The person's approved mentee enrolments in programs that take mentor requests."""
    return list(
        Enrolment.objects.filter(
            person__user=user,
            role=Enrolment.Role.MENTEE,
            status=Enrolment.Status.APPROVED,
            cohort__program__matching_settings__requests_allowed=True,
            cohort__program__format__in=("one_to_one", "group", "reverse"),
        ).select_related("cohort__program")
    )


@dataclass(frozen=True)
class Suggestion:
    mentor: Participant
    score: float
    why: list[tuple[str, float]]
    requested: bool


def suggested_mentors(enrolment: Enrolment, limit: int = 10) -> list[Suggestion]:
    """The mentors this mentee could ask, best score first, with the reasons.

    Only mentors with a free slot who pass every hard constraint are shown: a mentee never
    learns that someone was left out because of a reporting line."""
    block = load_cohort(enrolment.cohort, mentee_ids=[enrolment.pk])
    if not block.mentees or not block.mentors:
        return []
    cents = score_matrix(block.mentee_side, block.mentor_side, block.score_settings)[0]
    mask = block.mask()[0]
    usable = mask & (block.mentor_side.capacity > 0)
    candidates = np.flatnonzero(usable)
    # Highest score first; ties to the earlier enrolment, so the list is stable.
    order = candidates[np.lexsort((candidates, -cents[candidates]))][:limit]
    if not len(order):
        return []
    breakdown = pair_breakdown(
        block.mentee_side,
        block.mentor_side,
        block.score_settings,
        np.zeros(len(order), dtype=np.int64),
        order,
    )
    asked = set(MentorRequest.objects.filter(mentee=enrolment).values_list("mentor_id", flat=True))
    return [
        Suggestion(
            mentor=block.mentors[j],
            score=int(breakdown.score_cents[k]) / 100,
            why=breakdown_rows(parts, block.questions),
            requested=block.mentors[j].enrolment in asked,
        )
        for k, (j, parts) in enumerate(zip(order.tolist(), breakdown.as_dicts(), strict=True))
    ]
