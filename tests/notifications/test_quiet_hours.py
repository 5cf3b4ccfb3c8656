"""Quiet hours as arithmetic: overnight spans, same-day spans, none, and a daylight-saving day."""

from __future__ import annotations

from datetime import UTC, datetime, time

from notifications.quiet import quiet_until

NIGHT = {"starts": time(22, 0), "ends": time(7, 0), "zone": "Europe/Berlin"}


def test_an_overnight_span_ends_the_next_morning():
    late = datetime(2027, 1, 4, 22, 30, tzinfo=UTC)  # 23:30 in Berlin
    assert quiet_until(**NIGHT, moment=late) == datetime(2027, 1, 5, 6, 0, tzinfo=UTC)


def test_an_overnight_span_after_midnight_ends_the_same_morning():
    early = datetime(2027, 1, 5, 2, 0, tzinfo=UTC)  # 03:00 in Berlin
    assert quiet_until(**NIGHT, moment=early) == datetime(2027, 1, 5, 6, 0, tzinfo=UTC)


def test_outside_the_span_is_not_quiet():
    assert quiet_until(**NIGHT, moment=datetime(2027, 1, 5, 6, 0, tzinfo=UTC)) is None
    assert quiet_until(**NIGHT, moment=datetime(2027, 1, 5, 12, 0, tzinfo=UTC)) is None
    assert quiet_until(**NIGHT, moment=datetime(2027, 1, 5, 20, 59, tzinfo=UTC)) is None


def test_a_daytime_span():
    lunch = {"starts": time(12, 0), "ends": time(13, 0), "zone": "UTC"}
    assert quiet_until(**lunch, moment=datetime(2027, 1, 5, 12, 30, tzinfo=UTC)) == datetime(
        2027, 1, 5, 13, 0, tzinfo=UTC
    )
    assert quiet_until(**lunch, moment=datetime(2027, 1, 5, 13, 0, tzinfo=UTC)) is None


def test_equal_times_are_no_quiet_hours():
    same = {"starts": time(7, 0), "ends": time(7, 0), "zone": "UTC"}
    assert quiet_until(**same, moment=datetime(2027, 1, 5, 7, 0, tzinfo=UTC)) is None


def test_the_end_follows_the_wall_clock_across_a_clock_change():
    # Berlin moves to summer time on 28 March 2027: 07:00 that morning is 05:00 UTC.
    night = datetime(2027, 3, 27, 23, 30, tzinfo=UTC)
    assert quiet_until(**NIGHT, moment=night) == datetime(2027, 3, 28, 5, 0, tzinfo=UTC)
