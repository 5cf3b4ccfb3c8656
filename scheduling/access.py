"""Loading meetings for a user: the pair's members see their meetings, everyone else 404s.

Coordinators see a pair's activity, never its content, and an agenda is content."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from profiles.models import Person
from relationships.access import mentorships_of
from scheduling.models import Meeting


def with_people(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.select_related("mentorship__mentor__user", "scheduled_by").prefetch_related(
        Prefetch("mentorship__mentees", queryset=Person.objects.select_related("user"))
    )


def meetings_of(user) -> QuerySet[Meeting]:
    return Meeting.objects.filter(mentorship__in=mentorships_of(user))


def get_meeting_for_member(user, pk: int) -> Meeting:
    return get_object_or_404(with_people(meetings_of(user)), pk=pk)
