"""Loading match runs, proposals and requests for a user: 404 for anything not theirs."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from matching.directory import listed_mentor
from matching.models import MatchRun, MentorRequest, Proposal
from matching.services import requests_open_to
from programs.access import get_cohort_for_coordinator, get_enrolment_for_participant
from programs.models import Cohort, Enrolment


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


def get_enrolment_for_self_match(user, pk: int) -> Enrolment:
    """The user's own mentee enrolment in a program that takes mentor requests."""
    enrolment = get_enrolment_for_participant(user, pk)
    if not requests_open_to(enrolment):
        raise Http404
    return enrolment


def get_listed_mentor_for_mentee(user, pk: int, mentor_pk: int) -> Enrolment:
    """A mentor the user's mentee enrolment `pk` sees in its directory (matching.directory)."""
    mentor = listed_mentor(get_enrolment_for_self_match(user, pk), mentor_pk)
    if mentor is None:
        raise Http404
    return mentor
