"""Loading goals for a user: the members of the pair see its goals, everyone else gets 404."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from goals.models import Goal, Milestone
from relationships.access import mentorships_of


def get_goal_for_member(user, pk: int) -> Goal:
    goals = Goal.objects.filter(mentorship__in=mentorships_of(user))
    return get_object_or_404(goals.select_related("mentorship__cohort__program", "owner"), pk=pk)


def get_milestone_for_member(user, pk: int) -> Milestone:
    milestones = Milestone.objects.filter(goal__mentorship__in=mentorships_of(user))
    return get_object_or_404(milestones.select_related("goal__mentorship__cohort__program"), pk=pk)
