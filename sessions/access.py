"""Loading session logs for a user: the members of the pair see them, everyone else gets 404."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from relationships.access import mentorships_of
from sessions.models import SessionLog


def get_session_for_member(user, pk: int) -> SessionLog:
    sessions = SessionLog.objects.filter(mentorship__in=mentorships_of(user))
    return get_object_or_404(
        sessions.select_related("mentorship__cohort__program", "mentorship__mentor__user"), pk=pk
    )
