from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils import timezone

from scheduling.access import with_people
from scheduling.models import Meeting

register = template.Library()


@register.simple_tag
def upcoming_meetings(mentorship, limit: int = 5) -> list[Meeting]:
    """A pair's next meetings (and one that started within the last hours), for its page."""
    since = timezone.now() - timedelta(hours=3)
    return list(
        with_people(
            Meeting.objects.filter(
                mentorship=mentorship, status=Meeting.Status.SCHEDULED, start__gte=since
            )
        )[:limit]
    )
