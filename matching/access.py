"""Loading match runs, proposals and requests for a user: 404 for anything not theirs."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from matching.models import MatchRun, MentorRequest, Proposal
from programs.access import get_cohort_for_coordinator
from programs.models import Cohort


def get_run_for_coordinator(user, slug: str, pk: int) -> tuple[Cohort, MatchRun]:
    cohort = get_cohort_for_coordinator(user, slug)
    return cohort, get_object_or_404(cohort.match_runs, pk=pk)


def get_proposal_for_coordinator(user, slug: str, pk: int) -> Proposal:
    cohort = get_cohort_for_coordinator(user, slug)
    return get_object_or_404(
        Proposal.objects.select_related(
            "run__cohort__program", "mentee__person__user", "mentor__person__user"
        ),
        run__cohort=cohort,
        pk=pk,
    )


def get_request_for_mentor(user, pk: int) -> MentorRequest:
    return get_object_or_404(MentorRequest, pk=pk, mentor__person__user=user)


def get_request_for_mentee(user, pk: int) -> MentorRequest:
    return get_object_or_404(MentorRequest, pk=pk, mentee__person__user=user)
