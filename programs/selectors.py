from __future__ import annotations

from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from programs.models import Cohort, Enrolment, Program

ACTIVE_STATUSES = (Enrolment.Status.INVITED, Enrolment.Status.APPLIED, Enrolment.Status.APPROVED)


def programs_with_counts(programs: QuerySet[Program]) -> list[Program]:
    return list(
        programs.annotate(
            cohort_count=Count("cohorts", distinct=True),
            participant_count=Count(
                "cohorts__enrolments",
                filter=Q(cohorts__enrolments__status__in=ACTIVE_STATUSES),
                distinct=True,
            ),
        )
    )


def cohorts_with_counts(cohorts: QuerySet[Cohort]) -> QuerySet[Cohort]:
    live = Q(enrolments__status__in=ACTIVE_STATUSES)
    return cohorts.annotate(
        mentor_count=Count("enrolments", filter=live & ~Q(enrolments__role="mentee")),
        mentee_count=Count("enrolments", filter=live & ~Q(enrolments__role="mentor")),
        applied_count=Count("enrolments", filter=Q(enrolments__status="applied")),
    )


def cohort_participants(cohort: Cohort, filters: dict) -> QuerySet[Enrolment]:
    enrolments = cohort.enrolments.select_related("person__user").order_by(
        "person__user__last_name", "person__user__first_name", "pk"
    )
    if filters.get("role"):
        enrolments = enrolments.filter(role=filters["role"])
    if filters.get("status"):
        enrolments = enrolments.filter(status=filters["status"])
    if filters.get("department"):
        enrolments = enrolments.filter(person__department=filters["department"])
    if query := (filters.get("q") or "").strip():
        enrolments = enrolments.filter(
            Q(person__user__email__icontains=query)
            | Q(person__user__first_name__icontains=query)
            | Q(person__user__last_name__icontains=query)
        )
    return enrolments


def departments(cohort: Cohort) -> list[str]:
    return list(
        cohort.enrolments.exclude(person__department="")
        .values_list("person__department", flat=True)
        .distinct()
        .order_by("person__department")
    )


def supply_and_demand(cohort: Cohort) -> dict[str, int]:
    """Mentor slots against mentees, over everyone still in the cohort."""
    live = cohort.enrolments.filter(status__in=ACTIVE_STATUSES)
    default = Value(cohort.program.default_capacity)
    slots = Coalesce("capacity", default, output_field=IntegerField())
    figures = live.aggregate(
        mentors=Count("pk", filter=Q(role__in=["mentor", "both"])),
        mentees=Count("pk", filter=Q(role__in=["mentee", "both"])),
        slots=Sum(slots, filter=Q(role="mentor")),
    )
    figures["slots"] = figures["slots"] or 0
    figures["gap"] = figures["slots"] - figures["mentees"]
    return figures


def pending_applications(cohort: Cohort) -> QuerySet[Enrolment]:
    return cohort.enrolments.filter(status=Enrolment.Status.APPLIED).select_related("person__user")


def pending_application_counts(cohorts: QuerySet[Cohort]) -> dict[int, int]:
    """Cohort id -> applications waiting for the coordinator's answer, in one query."""
    rows = Enrolment.objects.filter(cohort__in=cohorts, status=Enrolment.Status.APPLIED)
    return dict(rows.order_by().values("cohort").annotate(n=Count("pk")).values_list("cohort", "n"))


def open_cohorts_for(user) -> QuerySet[Cohort]:
    """Cohorts of open programs that take applications and this person has not joined."""
    return (
        Cohort.objects.filter(status=Cohort.Status.ENROLLING, program__enrolment="open")
        .exclude(
            enrolments__person__user=user,
            enrolments__status__in=[*ACTIVE_STATUSES, Enrolment.Status.DECLINED],
        )
        .select_related("program")
        .order_by("program__name", "name")
    )
