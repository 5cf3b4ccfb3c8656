"""The slot computation, without a database: availability on each person's clock, per concrete
date, across daylight-saving changes and half-hour zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduling.slots import (
    WeeklyRange,
    common_free,
    free_intervals,
    offered_slots,
    offered_slots_for,
    rhythm_weeks,
    same_time_later,
    without,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")
HOUR = timedelta(hours=1)


def weekdays(start: str, end: str) -> list[WeeklyRange]:
    """Monday to Friday, start-end on the person's clock."""
    low, high = (int(t[:2]) * 60 + int(t[3:]) for t in (start, end))
    return [WeeklyRange(day, low, high) for day in range(5)]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def by_date(slots: list[datetime]) -> dict[date, list[datetime]]:
    found: dict[date, list[datetime]] = {}
    for slot in slots:
        found.setdefault(slot.date(), []).append(slot)
    return found


# Ines in Berlin meets 15:00-18:00 her time, Tom in New York 09:00-12:00 his: the same three
# hours while the gap is 6 hours, two of them while it is 5.
BERLIN_AFTERNOONS = weekdays("15:00", "18:00")
NEW_YORK_MORNINGS = weekdays("09:00", "12:00")


def berlin_new_york(start: datetime, end: datetime) -> dict[date, list[datetime]]:
    return by_date(
        offered_slots(BERLIN_AFTERNOONS, BERLIN, NEW_YORK_MORNINGS, NEW_YORK, start, end, [], HOUR)
    )


def test_berlin_and_new_york_share_three_hours_when_the_gap_is_six_hours():
    slots = berlin_new_york(utc(2027, 3, 8), utc(2027, 3, 13))  # Mon 8 - Fri 12 March
    assert sorted(slots) == [date(2027, 3, day) for day in range(8, 13)]
    # 15:00-18:00 CET is 14:00-17:00 UTC is 09:00-12:00 EST: a one-hour meeting every half hour.
    first = utc(2027, 3, 10, 14)
    assert slots[date(2027, 3, 10)] == [first + k * HOUR / 2 for k in range(5)]


@pytest.mark.parametrize(
    "day",
    [
        date(2027, 3, 15),  # New York on summer time since 14 March, Berlin from 28 March
        date(2027, 3, 26),
        date(2027, 11, 1),  # Berlin on winter time since 31 October, New York from 7 November
        date(2027, 11, 5),
    ],
)
def test_berlin_and_new_york_share_two_hours_while_the_gap_is_five_hours(day):
    slots = berlin_new_york(
        datetime.combine(day, datetime.min.time(), UTC),
        datetime.combine(day, datetime.max.time(), UTC),
    )
    # Berlin 15:00-18:00 CET is 14:00-17:00 UTC; New York 09:00-12:00 EDT is 13:00-16:00 UTC.
    first = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=14)
    assert slots == {day: [first, first + HOUR / 2, first + HOUR]}
    for slot in slots[day]:
        assert slot.astimezone(BERLIN).hour in (15, 16)
        assert 9 <= slot.astimezone(NEW_YORK).hour < 12


@pytest.mark.parametrize("day", [date(2027, 3, 29), date(2027, 11, 8)])
def test_berlin_and_new_york_share_three_hours_again_once_both_changed(day):
    slots = berlin_new_york(
        datetime.combine(day, datetime.min.time(), UTC),
        datetime.combine(day, datetime.max.time(), UTC),
    )
    (times,) = slots.values()
    assert len(times) == 5
    assert times[0].astimezone(BERLIN).hour == 15
    assert times[0].astimezone(NEW_YORK).hour == 9


def test_the_weeks_around_the_change_are_worked_out_date_by_date():
    slots = berlin_new_york(utc(2027, 3, 1), utc(2027, 4, 3))
    per_day = {day: len(times) for day, times in slots.items()}
    assert per_day[date(2027, 3, 12)] == 5  # Friday before New York changes
    assert per_day[date(2027, 3, 15)] == 3  # Monday after
    assert per_day[date(2027, 3, 26)] == 3  # Friday before Berlin changes
    assert per_day[date(2027, 3, 29)] == 5  # Monday after
    assert sum(per_day.values()) == 10 * 5 + 10 * 3 + 5 * 5  # weekends stay empty
    assert all(day.weekday() < 5 for day in per_day)


def test_a_half_hour_zone_meets_on_its_own_whole_hours():
    # Asha in Kolkata (+05:30) 18:00-21:00; Ines in Berlin 14:00-16:00.
    evenings = weekdays("18:00", "21:00")
    afternoons = weekdays("14:00", "16:00")
    winter = offered_slots(
        evenings, KOLKATA, afternoons, BERLIN, utc(2027, 1, 11), utc(2027, 1, 12), [], HOUR
    )
    # Kolkata 12:30-15:30 UTC, Berlin (CET) 13:00-15:00 UTC.
    assert winter == [utc(2027, 1, 11, 13), utc(2027, 1, 11, 13, 30), utc(2027, 1, 11, 14)]
    assert [s.astimezone(KOLKATA).strftime("%H:%M") for s in winter] == ["18:30", "19:00", "19:30"]
    summer = offered_slots(
        evenings, KOLKATA, afternoons, BERLIN, utc(2027, 7, 12), utc(2027, 7, 13), [], HOUR
    )
    # Berlin (CEST) 12:00-14:00 UTC: from Kolkata's 18:00, which is 12:30 UTC.
    assert summer == [utc(2027, 7, 12, 12, 30), utc(2027, 7, 12, 13)]
    assert summer[0].astimezone(KOLKATA).strftime("%H:%M") == "18:00"


def test_existing_meetings_are_left_out():
    busy = [(utc(2027, 3, 10, 15), utc(2027, 3, 10, 15, 45))]
    slots = offered_slots(
        BERLIN_AFTERNOONS,
        BERLIN,
        NEW_YORK_MORNINGS,
        NEW_YORK,
        utc(2027, 3, 10),
        utc(2027, 3, 11),
        busy,
        HOUR,
    )
    # 14:00-15:00 fits before it; after it, from 15:45 (a quarter hour) until 17:00, one hour.
    assert slots == [utc(2027, 3, 10, 14), utc(2027, 3, 10, 15, 45)]


def test_nothing_is_offered_outside_the_window_or_without_availability():
    start, end = utc(2027, 3, 10, 14, 40), utc(2027, 3, 10, 16, 50)
    slots = offered_slots(
        BERLIN_AFTERNOONS, BERLIN, NEW_YORK_MORNINGS, NEW_YORK, start, end, [], HOUR
    )
    assert slots == [utc(2027, 3, 10, 14, 45), utc(2027, 3, 10, 15, 15), utc(2027, 3, 10, 15, 45)]
    assert offered_slots([], BERLIN, NEW_YORK_MORNINGS, NEW_YORK, start, end, [], HOUR) == []


def test_a_range_skipped_by_the_spring_change_is_empty_and_a_repeated_one_counts_twice():
    sunday = 6
    night = [WeeklyRange(sunday, 2 * 60, 3 * 60)]
    spring = free_intervals(night, BERLIN, utc(2027, 3, 27), utc(2027, 3, 29))
    assert spring == []  # 02:00-03:00 does not exist on 28 March 2027
    longer = free_intervals(
        [WeeklyRange(sunday, 60, 4 * 60)], BERLIN, utc(2027, 3, 27), utc(2027, 3, 29)
    )
    assert longer == [(utc(2027, 3, 28, 0), utc(2027, 3, 28, 2))]  # 01:00 CET to 04:00 CEST
    autumn = free_intervals(night, BERLIN, utc(2027, 10, 30), utc(2027, 11, 1))
    assert autumn == [(utc(2027, 10, 31, 0), utc(2027, 10, 31, 2))]  # 02:00 CEST to 03:00 CET


def test_ranges_meeting_at_midnight_make_one_stretch():
    late = [WeeklyRange(0, 22 * 60, 24 * 60), WeeklyRange(1, 0, 60)]
    anytime = [WeeklyRange(day, 0, 24 * 60) for day in range(7)]
    slots = offered_slots(
        late, KOLKATA, anytime, ZoneInfo("UTC"), utc(2027, 1, 11), utc(2027, 1, 12), [], 2 * HOUR
    )
    # Monday 22:00 to Tuesday 01:00 in Kolkata: a two-hour meeting from 22:00, 22:30 or 23:00.
    assert [s.astimezone(KOLKATA).strftime("%a %H:%M") for s in slots] == [
        "Mon 22:00",
        "Mon 22:30",
        "Mon 23:00",
    ]


def test_a_group_is_free_when_everyone_is():
    calendars = [
        (BERLIN_AFTERNOONS, BERLIN),
        (NEW_YORK_MORNINGS, NEW_YORK),
        (weekdays("19:00", "20:00"), KOLKATA),  # 13:30-14:30 UTC in March
    ]
    slots = offered_slots_for(calendars, utc(2027, 3, 10), utc(2027, 3, 11), [], HOUR / 2)
    assert slots == [utc(2027, 3, 10, 14)]
    assert common_free(calendars, utc(2027, 3, 10), utc(2027, 3, 11)) == [
        (utc(2027, 3, 10, 14), utc(2027, 3, 10, 14, 30))
    ]


def test_busy_intervals_are_cut_out_whatever_their_order():
    free = [(utc(2027, 1, 1, 9), utc(2027, 1, 1, 17))]
    busy = [
        (utc(2027, 1, 1, 16), utc(2027, 1, 1, 18)),
        (utc(2027, 1, 1, 8), utc(2027, 1, 1, 10)),
        (utc(2027, 1, 1, 12), utc(2027, 1, 1, 13)),
    ]
    assert without(free, busy) == [
        (utc(2027, 1, 1, 10), utc(2027, 1, 1, 12)),
        (utc(2027, 1, 1, 13), utc(2027, 1, 1, 16)),
    ]


@pytest.mark.parametrize(
    ("cadence", "weeks"), [(7, 1), (14, 2), (21, 3), (30, 4), (3, 1), (10, 1), (11, 2)]
)
def test_the_agreements_rhythm_in_weeks(cadence, weeks):
    assert rhythm_weeks(cadence) == weeks


def test_the_same_time_later_keeps_the_wall_clock_across_a_change():
    before = datetime(2027, 3, 17, 15, tzinfo=BERLIN).astimezone(UTC)  # 14:00 UTC
    later = same_time_later(before, BERLIN, 2)
    assert later == utc(2027, 3, 31, 13)  # 15:00 CEST
    assert later.astimezone(BERLIN).strftime("%a %H:%M") == "Wed 15:00"
    # The same meeting seen from New York keeps New York's 10:00 instead.
    assert same_time_later(before, NEW_YORK, 2) == utc(2027, 3, 31, 14)


def test_the_same_time_later_moves_a_skipped_wall_time_past_the_gap():
    start = datetime(2027, 3, 14, 2, 30, tzinfo=BERLIN).astimezone(UTC)
    assert same_time_later(start, BERLIN, 2).astimezone(BERLIN).strftime("%H:%M") == "03:30"


def test_weekly_ranges_refuse_impossible_values():
    for bad in ((7, 0, 60), (0, 60, 60), (0, 0, 24 * 60 + 1), (0, -1, 10)):
        with pytest.raises(ValueError):
            WeeklyRange(*bad)
