from __future__ import annotations

import django_filters

from matching.models import MatchRun
from programs.models import Cohort, Enrolment, Format, Program
from relationships.models import Mentorship


class ProgramFilter(django_filters.FilterSet):
    format = django_filters.ChoiceFilter(choices=Format.choices)

    class Meta:
        model = Program
        fields = ["format"]


class CohortFilter(django_filters.FilterSet):
    program = django_filters.CharFilter(field_name="program__slug", help_text="A program's slug.")
    status = django_filters.ChoiceFilter(choices=Cohort.Status.choices)

    class Meta:
        model = Cohort
        fields = ["program", "status"]


class EnrolmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Enrolment.Status.choices)
    role = django_filters.ChoiceFilter(choices=Enrolment.Role.choices)
    email = django_filters.CharFilter(field_name="person__user__email", lookup_expr="iexact")

    class Meta:
        model = Enrolment
        fields = ["status", "role", "email"]


class MatchRunFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=MatchRun.Status.choices)

    class Meta:
        model = MatchRun
        fields = ["status"]


class MentorshipFilter(django_filters.FilterSet):
    program = django_filters.CharFilter(
        field_name="cohort__program__slug", help_text="A program's slug."
    )
    cohort = django_filters.CharFilter(field_name="cohort__slug", help_text="A cohort's slug.")
    status = django_filters.ChoiceFilter(choices=Mentorship.Status.choices)
    stalled = django_filters.BooleanFilter()

    class Meta:
        model = Mentorship
        fields = ["program", "cohort", "status", "stalled"]
