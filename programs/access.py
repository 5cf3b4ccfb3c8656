"""Loading programs, cohorts and enrolments for a user: 404 for anything not theirs."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from programs.models import Cohort, Enrolment, Program


def programs_coordinated_by(user) -> QuerySet[Program]:
    """Site admins run every program; coordinators the ones they were given."""
    if not user.is_authenticated:
        return Program.objects.none()
    if user.is_staff:
        return Program.objects.all()
    return Program.objects.filter(coordinators=user)


def get_program_for_coordinator(user, slug: str) -> Program:
    return get_object_or_404(programs_coordinated_by(user), slug=slug)


def cohorts_coordinated_by(user) -> QuerySet[Cohort]:
    return Cohort.objects.filter(program__in=programs_coordinated_by(user)).select_related(
        "program"
    )


def get_cohort_for_coordinator(user, slug: str) -> Cohort:
    return get_object_or_404(cohorts_coordinated_by(user), slug=slug)


def enrolments_of(user) -> QuerySet[Enrolment]:
    if not user.is_authenticated:
        return Enrolment.objects.none()
    return Enrolment.objects.filter(person__user=user).select_related("cohort__program")


def get_enrolment_for_participant(user, pk: int) -> Enrolment:
    return get_object_or_404(enrolments_of(user), pk=pk)


def can_create_programs(user) -> bool:
    return user.is_authenticated and (user.is_staff or user.has_perm("programs.create_program"))
