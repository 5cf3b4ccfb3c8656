from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, time, timedelta

from django.db.models import Min, Q
from django.utils import timezone

from notifications.rendering import zone_of
from notifications.selectors import time_zones
from profiles.models import Person
from relationships.models import Mentorship
from relationships.selectors import member_user_ids
from scheduling.access import meetings_of, with_people
from scheduling.models import Meeting
from scheduling.slots import Interval, WeeklyRange, common_free, offered_slots_for
from sessions.models import SessionLog

# A meeting still asks to be logged this long after it ended; older ones are left alone.
LOG_WINDOW = timedelta(days=14)
MAX_DURATION = timedelta(hours=24)
# Booking offers times from a little ahead of now over the next few weeks.
BOOKING_LEAD = timedelta(hours=1)
BOOKING_WEEKS = 3


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


def next_meeting_starts(user) -> dict[int, datetime]:
    """Mentorship id -> when the user's next scheduled meeting with that pair starts, for the
    pairs that have one. One query."""
    upcoming = meetings_of(user).filter(status=Meeting.Status.SCHEDULED, start__gte=timezone.now())
    rows = upcoming.order_by().values("mentorship").annotate(first=Min("start"))
    return {row["mentorship"]: row["first"] for row in rows}


# --- Booking: times that suit the whole pair ---------------------------------------------------


def members_with_availability(mentorship: Mentorship) -> list[Person]:
    """The pair's members, mentor first, each with their user and weekly availability."""
    ids = [mentorship.mentor_id, *mentorship.mentees.values_list("pk", flat=True)]
    people = (
        Person.objects.filter(pk__in=ids).select_related("user").prefetch_related("availability")
    )
    by_id = {person.pk: person for person in people}
    return [by_id[pk] for pk in dict.fromkeys(ids)]


def calendar_of(person: Person) -> tuple[list[WeeklyRange], zoneinfo.ZoneInfo]:
    """A person's weekly availability and the zone it is kept in (prefetch `availability`)."""
    ranges = [
        WeeklyRange(r.weekday, r.start_minute, r.end_minute) for r in person.availability.all()
    ]
    return ranges, zone_of(person.user)


def busy_of(people: Iterable[Person], start: datetime, end: datetime) -> list[Interval]:
    """When any of these people has a meeting (with any of their pairs) between start and end."""
    ids = [person.pk for person in people]
    meetings = (
        Meeting.objects.filter(
            Q(mentorship__mentor_id__in=ids) | Q(mentorship__mentees__in=ids),
            status=Meeting.Status.SCHEDULED,
            start__lt=end,
            start__gt=start - MAX_DURATION,
        )
        .values_list("start", "duration_minutes")
        .distinct()
    )
    return [
        (begin, begin + timedelta(minutes=minutes))
        for begin, minutes in meetings
        if begin + timedelta(minutes=minutes) > start
    ]


def booking_window(now: datetime | None = None) -> tuple[datetime, datetime]:
    start = (now or timezone.now()) + BOOKING_LEAD
    return start, start + timedelta(weeks=BOOKING_WEEKS)


def offered_times(
    people: list[Person], *, duration_minutes: int, now: datetime | None = None
) -> list[datetime]:
    """Meeting starts over the next BOOKING_WEEKS that suit everyone in `people`
    (members_with_availability) and clash with none of their meetings."""
    start, end = booking_window(now)
    return offered_slots_for(
        [calendar_of(person) for person in people],
        start,
        end,
        busy_of(people, start, end),
        timedelta(minutes=duration_minutes),
    )


def fits_everyone(people: list[Person], start: datetime, duration_minutes: int) -> bool:
    """The meeting would fall in everyone's availability and clash with none of their meetings
    (the meetings starting at exactly `start` aside: booking it again is no clash)."""
    end = start + timedelta(minutes=duration_minutes)
    busy = [interval for interval in busy_of(people, start, end) if interval[0] != start]
    free = common_free([calendar_of(person) for person in people], start, end, busy)
    return free == [(start, end)]


def booked_at(mentorship: Mentorship, start: datetime) -> Meeting | None:
    """The pair's scheduled meeting starting at exactly `start`, if there is one."""
    return Meeting.objects.filter(
        mentorship=mentorship, status=Meeting.Status.SCHEDULED, start=start
    ).first()
