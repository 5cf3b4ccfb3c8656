from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from notifications.models import Dispatch
from relationships.models import Mentorship


def member_user_ids(mentorship_ids: Iterable[int]) -> dict[int, list[int]]:
    """Mentorship id -> the user ids of its members (mentor first), in two queries."""
    ids = list(set(mentorship_ids))
    members: dict[int, list[int]] = defaultdict(list)
    for pk, user_id in Mentorship.objects.filter(pk__in=ids).values_list("pk", "mentor__user_id"):
        members[pk].append(user_id)
    for pk, user_id in Mentorship.mentees.through.objects.filter(mentorship_id__in=ids).values_list(
        "mentorship_id", "person__user_id"
    ):
        if user_id not in members[pk]:
            members[pk].append(user_id)
    return members


def time_zones(user_ids: Iterable[int]) -> dict[int, str]:
    return dict(
        get_user_model().objects.filter(pk__in=list(set(user_ids))).values_list("pk", "timezone")
    )


def is_member(mentorship_id: int, user_id: int) -> bool:
    return user_id in member_user_ids([mentorship_id]).get(mentorship_id, [])


def undelivered(kind: str, objects: QuerySet) -> list[tuple[int, str]]:
    """(object id, occurrence) of the messages of a kind about these objects that failed for
    good: the admin sees them in the Dispatch list, the people who sent them on their page."""
    return list(
        Dispatch.objects.filter(
            kind=kind, status=Dispatch.Status.FAILED, object_id__in=objects.values("pk")
        ).values_list("object_id", "occurrence")
    )
