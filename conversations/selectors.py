"""Reads of the pairs' threads. Each costs a fixed number of queries however long the thread
or however many pairs a person is in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from conversations.models import Message, MessageReport, ThreadRead
from relationships.access import mentorships_of, person_of

PAGE = 30  # messages shown at once, the newest


@dataclass(frozen=True)
class Thread:
    messages: list[Message]
    has_older: bool
    reported: set[int]  # ids of shown messages the reader has reported


def thread(mentorship, reader, *, before: int | None = None, limit: int = PAGE) -> Thread:
    """The newest `limit` messages (older than message `before`, if given), oldest first."""
    rows = Message.objects.filter(mentorship=mentorship).select_related("author__user")
    if before is not None:
        rows = rows.filter(pk__lt=before)
    newest = list(rows.order_by("-pk")[: limit + 1])
    shown = newest[:limit][::-1]
    reported = set(
        MessageReport.objects.filter(
            reporter=reader, message__in=[m.pk for m in shown]
        ).values_list("message_id", flat=True)
    ) if shown and reader is not None else set()  # fmt: skip
    return Thread(messages=shown, has_older=len(newest) > limit, reported=reported)


def _unread(person) -> Q:
    last_read = ThreadRead.objects.filter(mentorship=OuterRef("mentorship"), person=person).values(
        "last_read_id"
    )
    return Q(pk__gt=Coalesce(Subquery(last_read), 0)) & ~Q(author=person)


def unread_counts(user, mentorship_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Unread messages per pair of the user's, by mentorship id (pairs with none left out)."""
    person = person_of(user)
    if person is None:
        return {}
    rows = Message.objects.filter(mentorship__in=mentorships_of(user))
    if mentorship_ids is not None:
        rows = rows.filter(mentorship_id__in=list(mentorship_ids))
    return dict(
        rows.filter(_unread(person))
        .order_by()
        .values("mentorship")
        .annotate(n=Count("pk"))
        .values_list("mentorship", "n")
    )


def unread_total(user) -> int:
    person = person_of(user)
    if person is None:
        return 0
    return (
        Message.objects.filter(mentorship__in=mentorships_of(user)).filter(_unread(person)).count()
    )


def unread_for(mentorship, person) -> list[Message]:
    """The messages in the thread `person` has not read yet, oldest first."""
    return list(
        Message.objects.filter(mentorship=mentorship)
        .filter(_unread(person))
        .select_related("author__user")
        .order_by("pk")
    )


@dataclass(frozen=True)
class Activity:
    """What a coordinator may know of a thread: how much, and when; never what."""

    count: int
    last_at: datetime | None
    reported: int


def activity_of(mentorship) -> Activity:
    figures = Message.objects.filter(mentorship=mentorship).aggregate(
        count=Count("pk"), last_at=Max("created_at")
    )
    reported = MessageReport.objects.filter(message__mentorship=mentorship).count()
    return Activity(figures["count"], figures["last_at"], reported)


def latest_id(mentorship) -> int:
    return Message.objects.filter(mentorship=mentorship).aggregate(last=Max("pk"))["last"] or 0
