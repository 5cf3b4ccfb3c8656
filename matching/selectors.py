from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from jobs.models import Job
from matching.directory import DirectoryFilters, MentorCard, mentor_directory
from matching.loading import OPEN_MENTORSHIP
from matching.models import (
    MATCHABLE_FORMATS,
    MatchRun,
    MentorRequest,
    Proposal,
    matching_lock_key,
)
from programs.models import Cohort, Enrolment
from relationships.models import Mentorship


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


def _placed(prefix: str = "") -> Exists:
    """The (prefixed) enrolment's person is a mentee in an open mentorship of its cohort."""
    return Exists(
        Mentorship.mentees.through.objects.filter(
            mentorship__cohort=OuterRef(f"{prefix}cohort"),
            mentorship__status__in=OPEN_MENTORSHIP,
            person=OuterRef(f"{prefix}person"),
        )
    )


def _unanswered(requests: QuerySet[MentorRequest]) -> QuerySet[MentorRequest]:
    """Requests whose reply window closed without an answer (pending until the expiry scan
    marks them expired, expired after), from mentees who still have no mentor and no other
    request waiting: someone has to help them on."""
    now = timezone.now()
    waiting = MentorRequest.objects.filter(
        mentee=OuterRef("mentee"), status=MentorRequest.Status.PENDING, expires_at__gt=now
    )
    return (
        requests.filter(
            Q(status=MentorRequest.Status.EXPIRED)
            | Q(status=MentorRequest.Status.PENDING, expires_at__lte=now),
            mentee__status=Enrolment.Status.APPROVED,
        )
        .exclude(_placed("mentee__"))
        .exclude(Exists(waiting))
    )


def overdue_requests(cohort: Cohort) -> QuerySet[MentorRequest]:
    return (
        _unanswered(MentorRequest.objects.filter(cohort=cohort))
        .select_related("mentee__person__user", "mentor__person__user")
        .order_by("expires_at")
    )


def overdue_request_counts(cohorts: QuerySet[Cohort]) -> dict[int, int]:
    """Cohort id -> overdue requests (as overdue_requests), in one query."""
    rows = _unanswered(MentorRequest.objects.filter(cohort__in=cohorts))
    return dict(rows.order_by().values("cohort").annotate(n=Count("pk")).values_list("cohort", "n"))


class WaitingMentees(NamedTuple):
    count: int
    published: bool  # matching is published: pair them by hand; else run matching


def unmatched_mentee_counts(cohorts: QuerySet[Cohort]) -> dict[int, WaitingMentees]:
    """Cohort id -> approved mentees with no open mentorship, in one query.

    Counted after the cohort's matching is published, or in a cohort at the matching stage
    or later with no run at all; a draft run lists its own unmatched."""
    runs = MatchRun.objects.filter(cohort=OuterRef("cohort"))
    published = Exists(runs.filter(status=MatchRun.Status.PUBLISHED))
    peer = Q(cohort__program__format="peer")
    as_peer_mentor = Exists(
        Mentorship.objects.filter(
            cohort=OuterRef("cohort"), mentor=OuterRef("person"), status__in=OPEN_MENTORSHIP
        )
    )
    rows = (
        Enrolment.objects.filter(
            cohort__in=cohorts,
            cohort__program__format__in=MATCHABLE_FORMATS,
            status=Enrolment.Status.APPROVED,
        )
        .filter(
            (peer & Q(role=Enrolment.Role.BOTH))
            | (~peer & Q(role__in=(Enrolment.Role.MENTEE, Enrolment.Role.BOTH)))
        )
        .filter(
            published
            | (~Exists(runs) & Q(cohort__status__in=(Cohort.Status.MATCHING, Cohort.Status.ACTIVE)))
        )
        .exclude(_placed())
        .exclude(peer & as_peer_mentor)
        .annotate(published=published)
    )
    return {
        cohort: WaitingMentees(count, is_published)
        for cohort, is_published, count in rows.order_by()
        .values("cohort", "published")
        .annotate(n=Count("pk"))
        .values_list("cohort", "published", "n")
    }


def runs_ready_to_publish(cohorts: QuerySet[Cohort]) -> list[MatchRun]:
    """Each cohort's latest run when it is a draft with proposals and nothing is published
    yet, with `proposal_count`, in one query."""
    same_cohort = MatchRun.objects.filter(cohort=OuterRef("cohort"))
    newer = same_cohort.filter(
        Q(created_at__gt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk"))
    )
    return list(
        MatchRun.objects.filter(cohort__in=cohorts, status=MatchRun.Status.DRAFT)
        .exclude(Exists(newer))
        .exclude(Exists(same_cohort.filter(status=MatchRun.Status.PUBLISHED)))
        .annotate(proposal_count=Count("proposals"))
        .filter(proposal_count__gt=0)
        .order_by("created_at", "pk")
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


def requests_to_answer(user) -> QuerySet[MentorRequest]:
    """Requests waiting for this mentor's answer, the soonest to expire first."""
    return (
        requests_received(user)
        .filter(status=MentorRequest.Status.PENDING, expires_at__gt=timezone.now())
        .order_by("expires_at", "pk")
    )


def requests_waiting(user) -> QuerySet[MentorRequest]:
    """This mentee's requests still waiting for the mentor's answer."""
    return (
        requests_made(user)
        .filter(status=MentorRequest.Status.PENDING, expires_at__gt=timezone.now())
        .order_by("expires_at", "pk")
    )


def _request_enrolments(user) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(
        person__user=user,
        role=Enrolment.Role.MENTEE,
        status=Enrolment.Status.APPROVED,
        cohort__program__matching_settings__requests_allowed=True,
        cohort__program__format__in=("one_to_one", "group", "reverse"),
    ).select_related("cohort__program")


def request_enrolments(user) -> list[Enrolment]:
    """The person's approved mentee enrolments in programs that take mentor requests."""
    return list(_request_enrolments(user))


def enrolments_to_find_a_mentor(user) -> QuerySet[Enrolment]:
    """Request enrolments with no mentor yet and no request waiting for an answer (none made,
    or declined or expired): asking a mentor is the way forward."""
    waiting = MentorRequest.objects.filter(
        mentee=OuterRef("pk"), status=MentorRequest.Status.PENDING, expires_at__gt=timezone.now()
    )
    return (
        _request_enrolments(user)
        .exclude(cohort__status=Cohort.Status.CLOSED)
        .exclude(_placed())
        .exclude(Exists(waiting))
    )


def suggested_mentors(enrolment: Enrolment, limit: int = 10) -> list[MentorCard]:
    """The mentors this mentee could ask now, best score first, with the reasons in words.

    Only mentors with a free slot who pass every hard constraint are shown: a mentee never
    learns that someone was left out because of a reporting line."""
    mentors = mentor_directory(enrolment)
    return mentors.cards(mentors.filtered(DirectoryFilters(free_only=True))[:limit])


def matching_job(cohort: Cohort) -> Job | None:
    """The matching run under way on a worker for the cohort, if any."""
    return Job.objects.filter(lock_key=matching_lock_key(cohort), state__in=Job.ACTIVE).first()
