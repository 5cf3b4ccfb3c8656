from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.selectors import undelivered
from programs.models import Cohort, Enrolment, Program
from programs.services import KIND_INVITATION, invitation_occurrence

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
    status = filters.get("status")
    if status == Enrolment.NOT_INVITED:
        enrolments = enrolments.filter(status=Enrolment.Status.INVITED, invitation_sent_at=None)
    elif status == Enrolment.Status.INVITED:
        # As the page labels them: invited once an invitation went out.
        enrolments = enrolments.filter(status=status, invitation_sent_at__isnull=False)
    elif status:
        enrolments = enrolments.filter(status=status)
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


@dataclass(frozen=True)
class StatCard:
    value: int | str
    label: str
    alert: bool = False


def supply_and_demand(cohort: Cohort) -> list[StatCard]:
    """Places against the people waiting for one, over everyone still in the cohort, counted
    as matching counts them. No figure is ever negative: a shortfall is "N more places
    needed". In a peer pool everyone takes one partner, so an odd pool needs one more."""
    roles = cohort.program.roles
    live = cohort.enrolments.filter(status__in=ACTIVE_STATUSES)
    if roles.one_pool:
        people = live.filter(role=Enrolment.Role.BOTH).count()
        pairs = people // 2
        cards = [
            StatCard(people, _one_or_many(people, roles.mentor, roles.mentors)),
            StatCard(pairs, ngettext("pair", "pairs", pairs)),
        ]
        return [*cards, _place_card(short=people % 2, spare=None)]
    giving = Q(role__in=[Enrolment.Role.MENTOR, Enrolment.Role.BOTH])
    default = Value(cohort.program.default_capacity)
    figures = live.aggregate(
        mentors=Count("pk", filter=giving),
        mentees=Count("pk", filter=Q(role__in=[Enrolment.Role.MENTEE, Enrolment.Role.BOTH])),
        places=Sum(Coalesce("capacity", default, output_field=IntegerField()), filter=giving),
    )
    mentors, places, mentees = figures["mentors"], figures["places"] or 0, figures["mentees"]
    return [
        StatCard(mentors, _one_or_many(mentors, roles.mentor, roles.mentors)),
        StatCard(
            places,
            _one_or_many(places, _("%(mentor)s place"), _("%(mentor)s places"))
            % {"mentor": roles.mentor},
        ),
        StatCard(mentees, _one_or_many(mentees, roles.mentee, roles.mentees)),
        _place_card(short=max(0, mentees - places), spare=max(0, places - mentees)),
    ]


def _one_or_many(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _place_card(*, short: int, spare: int | None) -> StatCard:
    if short:
        label = ngettext("more place needed", "more places needed", short)
        return StatCard(short, label, alert=True)
    if spare is None:
        return StatCard(_("Enough"), _("places: everyone gets a partner"))
    return StatCard(_("Enough"), _("places for everyone, %(spare)d spare") % {"spare": spare})


def pending_applications(cohort: Cohort) -> QuerySet[Enrolment]:
    return (
        cohort.enrolments.filter(status=Enrolment.Status.APPLIED)
        .select_related("person__user")
        .prefetch_related("cohort__program__questions")
    )


def undelivered_invitations(cohort: Cohort) -> list[Enrolment]:
    """People still invited whose latest invitation could not be delivered (the mail server
    refused it, or it failed every retry); a later invitation that went out hides the earlier
    failure."""
    invited = cohort.enrolments.filter(status=Enrolment.Status.INVITED)
    failed = set(undelivered(KIND_INVITATION, invited))
    if not failed:
        return []
    return [
        enrolment
        for enrolment in invited.filter(pk__in={pk for pk, _ in failed})
        .select_related("person__user")
        .order_by("person__user__email")
        if (enrolment.pk, invitation_occurrence(enrolment.invitations_sent)) in failed
    ]


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
