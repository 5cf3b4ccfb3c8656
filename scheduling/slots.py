"""Times that suit everyone in a pair, from each person's weekly availability.

Availability is kept on each person's own clock ("Monday 09:00-12:00" in Europe/Berlin). It is
turned into real moments per concrete date with zoneinfo, never with a fixed offset: the gap
between Berlin and New York is 6 hours most of the year and 5 for a few weeks in March and
October/November, and a zone like Asia/Kolkata is 5½ hours off UTC. The moments of everyone
are intersected, the meetings they already have are taken out, and what is left is cut into
slots of the meeting's length.

No Django here: plain data in, plain data out (tests/scheduling/test_slots.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
# Slots start on a quarter hour: every zone's offset is a whole number of quarter hours, so a
# quarter hour in UTC is one on everyone's clock.
GRID = timedelta(minutes=15)
STEP = timedelta(minutes=30)
EPOCH = datetime(2000, 1, 3, tzinfo=UTC)

Interval = tuple[datetime, datetime]


@dataclass(frozen=True, order=True)
class WeeklyRange:
    """A weekday (0 is Monday) and a wall-clock range on it, in minutes after midnight. An end of
    1440 is the midnight that ends the day; a range over midnight is two ranges."""

    weekday: int
    start_minute: int
    end_minute: int

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday {self.weekday} is not 0 (Monday) to 6 (Sunday)")
        if not 0 <= self.start_minute < self.end_minute <= MINUTES_PER_DAY:
            raise ValueError(f"{self.start_minute}-{self.end_minute} is not a range in a day")


def _moment(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """`minute` after midnight of `day` on the clock of `zone`, in UTC.

    A wall time that a daylight-saving change skips (02:30 on the last Sunday of March in
    Berlin) is read with the offset before the change, so it lands after the gap and a range
    inside the gap comes out empty. A wall time that happens twice (02:30 on the last Sunday of
    October) is its first occurrence, so a range over the repeated hour holds both."""
    wall = datetime.combine(day, time.min, tzinfo=zone) + timedelta(minutes=minute)
    return wall.astimezone(UTC)


def merged(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, with overlapping and touching intervals joined."""
    result: list[Interval] = []
    for start, end in sorted(intervals):
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((start, end))
    return result


def intersected(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """What two merged lists of intervals have in common."""
    result: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            result.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return result


def without(intervals: Sequence[Interval], busy: Iterable[Interval]) -> list[Interval]:
    """The merged `intervals` less every busy interval."""
    result: list[Interval] = []
    blocks = merged(busy)
    for start, end in intervals:
        for busy_start, busy_end in blocks:
            if busy_end <= start or busy_start >= end:
                continue
            if busy_start > start:
                result.append((start, busy_start))
            start = max(start, busy_end)
            if start >= end:
                break
        if start < end:
            result.append((start, end))
    return result


def free_intervals(
    availability: Iterable[WeeklyRange], zone: ZoneInfo, start: datetime, end: datetime
) -> list[Interval]:
    """One person's weekly availability as real moments between `start` and `end` (UTC),
    worked out date by date on their own clock."""
    by_weekday: dict[int, list[WeeklyRange]] = defaultdict(list)
    for weekly in availability:
        by_weekday[weekly.weekday].append(weekly)
    found = []
    day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    while day <= last:
        for weekly in by_weekday.get(day.weekday(), ()):
            low = max(_moment(day, weekly.start_minute, zone), start)
            high = min(_moment(day, weekly.end_minute, zone), end)
            if low < high:
                found.append((low, high))
        day += timedelta(days=1)
    return merged(found)


def common_free(
    calendars: Sequence[tuple[Iterable[WeeklyRange], ZoneInfo]],
    start: datetime,
    end: datetime,
    busy: Iterable[Interval] = (),
) -> list[Interval]:
    """The moments between `start` and `end` when everyone is available and nobody is busy."""
    if not calendars:
        return []
    common = merged([(start, end)])
    for availability, zone in calendars:
        common = intersected(common, free_intervals(availability, zone, start, end))
    return without(common, busy)


def _on_grid(moment: datetime) -> datetime:
    late = (moment - EPOCH) % GRID
    return moment + (GRID - late) if late else moment


def slots_in(
    intervals: Iterable[Interval], duration: timedelta, step: timedelta = STEP
) -> list[datetime]:
    """Starts of meetings of `duration` that fit in the intervals: from each interval's start
    (someone's availability begins, or a meeting ends), then every `step`."""
    starts = []
    for low, high in intervals:
        moment = _on_grid(low)
        while moment + duration <= high:
            starts.append(moment)
            moment += step
    return starts


def offered_slots_for(
    calendars: Sequence[tuple[Iterable[WeeklyRange], ZoneInfo]],
    start: datetime,
    end: datetime,
    busy: Iterable[Interval],
    duration: timedelta,
    step: timedelta = STEP,
) -> list[datetime]:
    """Meeting starts (UTC) that suit everyone in `calendars` (availability and zone each),
    between `start` and `end`, clear of every `busy` interval."""
    return slots_in(common_free(calendars, start, end, busy), duration, step)


def offered_slots(
    a_availability: Iterable[WeeklyRange],
    a_zone: ZoneInfo,
    b_availability: Iterable[WeeklyRange],
    b_zone: ZoneInfo,
    start: datetime,
    end: datetime,
    busy: Iterable[Interval],
    duration: timedelta,
    step: timedelta = STEP,
) -> list[datetime]:
    """The two-person case of offered_slots_for."""
    calendars = [(a_availability, a_zone), (b_availability, b_zone)]
    return offered_slots_for(calendars, start, end, busy, duration, step)


def rhythm_weeks(cadence_days: int) -> int:
    """The agreement's rhythm in whole weeks ("every 14 days" is 2), at least one."""
    return max(1, round(cadence_days / 7))


def same_time_later(start: datetime, zone: ZoneInfo, weeks: int) -> datetime:
    """The same wall-clock time on the same weekday `weeks` later on the clock of `zone` (UTC).

    Across a daylight-saving change the UTC time moves so that the local time stays; a wall
    time the change skips comes out just after the gap."""
    wall = start.astimezone(zone).replace(tzinfo=None) + timedelta(weeks=weeks)
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
