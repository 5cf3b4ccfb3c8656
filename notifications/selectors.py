from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from notifications.models import Dispatch


def time_zones(user_ids: Iterable[int]) -> dict[int, str]:
    return dict(
        get_user_model().objects.filter(pk__in=list(set(user_ids))).values_list("pk", "timezone")
    )


def undelivered(kind: str, objects: QuerySet) -> list[tuple[int, str]]:
    """(object id, occurrence) of the messages of a kind about these objects that failed for
    good: the admin sees them in the Dispatch list, the people who sent them on their page."""
    return list(
        Dispatch.objects.filter(
            kind=kind, status=Dispatch.Status.FAILED, object_id__in=objects.values("pk")
        ).values_list("object_id", "occurrence")
    )
