"""Loading messages for a user. A message's text is for the members of its pair; a reported
message is also for the coordinators named on its program (not site admins as such: running
the install is not running the program). Everyone else gets 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from conversations.models import Message, MessageReport
from relationships.access import mentorships_of


def messages_of(user) -> QuerySet[Message]:
    """The messages in the threads of the user's own pairs."""
    return Message.objects.filter(mentorship__in=mentorships_of(user))


def get_message_for_member(user, pk: int) -> Message:
    return get_object_or_404(
        messages_of(user).select_related("author__user", "mentorship__cohort__program"), pk=pk
    )


def reports_for_coordinator(user) -> QuerySet[MessageReport]:
    """Reports of messages in the programs the user is named a coordinator of."""
    if not user.is_authenticated:
        return MessageReport.objects.none()
    return MessageReport.objects.filter(
        message__mentorship__cohort__program__coordinators=user
    ).distinct()
