"""Quiet hours as plain arithmetic: whether a moment falls in a person's quiet hours, and when
they end. No Django here, so the corners (overnight spans, daylight-saving days) are tested
directly."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def quiet_until(*, starts: time, ends: time, zone: str, moment: datetime) -> datetime | None:
    """The end of the quiet hours `moment` falls in, or None when it falls in none.

    `starts` and `ends` are wall-clock times in `zone`; a span that ends before it starts runs
    overnight (22:00 to 07:00). Equal times mean no quiet hours."""
    if starts == ends:
        return None
    local = moment.astimezone(ZoneInfo(zone))
    now = local.time().replace(tzinfo=None)
    day = local.date()
    if starts < ends:
        if not starts <= now < ends:
            return None
    elif now >= starts:
        day += timedelta(days=1)
    elif now >= ends:
        return None
    # Wall-clock end on that day; in a daylight-saving gap zoneinfo moves it forward.
    end = datetime.combine(day, ends, tzinfo=ZoneInfo(zone))
    return end if end > moment else None
