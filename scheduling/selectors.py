from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, time, timedelta

from django.utils import timezone

from notifications.selectors import time_zones
from relationships.models import Mentorship
from relationships.selectors import member_user_ids
from scheduling.access import meetings_of, with_people
from scheduling.models import Meeting
from sessions.models import SessionLog

# A meeting still asks to be logged this long after it ended; older ones are left alone.
LOG_WINDOW = timedelta(days=14)
MAX_DURATION = timedelta(hours=24)


def day_bounds(start: datetime, zone_names: Iterable[str]) -> tuple[datetime, datetime]:
    """The meeting's calendar day, as each member sees it, taken together: a session logged
    on that day by anyone in the pair counts, whatever their time zone."""
    lows, highs = [], []
    for name in zone_names:
        try:
            zone = zoneinfo.ZoneInfo(name or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = zoneinfo.ZoneInfo("UTC")
        day = start.astimezone(zone).date()
        lows.append(datetime.combine(day, time.min, tzinfo=zone))
        highs.append(datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone))
    return min(lows), max(highs)


def logged(meetings: list[tuple[int, datetime, int]]) -> set[int]:
    """Which of (meeting id, start, mentorship id) have a session logged on their day."""
    if not meetings:
        return set()
    members = member_user_ids(m[2] for m in meetings)
    zones = time_zones(u for users in members.values() for u in users)
    bounds = {
        pk: day_bounds(start, [zones.get(u, "UTC") for u in members[mentorship_id]] or ["UTC"])
        for pk, start, mentorship_id in meetings
    }
    sessions = defaultdict(list)
    for mentorship_id, occurred_at in SessionLog.objects.filter(
        mentorship_id__in={m[2] for m in meetings},
        occurred_at__gte=min(low for low, _ in bounds.values()),
        occurred_at__lt=max(high for _, high in bounds.values()),
    ).values_list("mentorship_id", "occurred_at"):
        sessions[mentorship_id].append(occurred_at)
    return {
        pk
        for pk, _, mentorship_id in meetings
        if any(bounds[pk][0] <= at < bounds[pk][1] for at in sessions[mentorship_id])
    }


def meetings_to_log(user) -> list[Meeting]:
    """The user's meetings that ended within LOG_WINDOW with no session logged on their day
    (the rule of the "How did it go?" email), oldest first."""
    now = timezone.now()
    candidates = [
        meeting
        for meeting in with_people(
            meetings_of(user).filter(
                status=Meeting.Status.SCHEDULED,
                start__lte=now,
                start__gt=now - LOG_WINDOW - MAX_DURATION,
                mentorship__status__in=(Mentorship.Status.ACTIVE, Mentorship.Status.PAUSED),
            )
        ).order_by("start", "pk")
        if now - LOG_WINDOW < meeting.end <= now
    ]
    done = logged([(m.pk, m.start, m.mentorship_id) for m in candidates])
    return [meeting for meeting in candidates if meeting.pk not in done]
