"""The dates and times the product accepts, one rule per kind, and how readers survive the rest.

Forms, services, imports and commands all ask these functions, so a date is refused the same
way whatever path it comes by. Each `*_error` function returns the message to show, or None.

Rows written before these rules existed may hold any value the database takes (a session in
year 1, a meeting in year 9999). `RangedDateTimeField` clamps such a value as it is read, so
every reader can still convert it to any time zone; aggregates skip what lies outside
`CALENDAR_FIRST` … `CALENDAR_LAST`.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

# Cohort dates, goal target dates and report ranges: a calendar the organisation plans in.
CALENDAR_FIRST = dt.date(2000, 1, 1)
CALENDAR_LAST = dt.date(2100, 12, 31)
# A session may be logged from a while before its cohort starts (pairs who met early)...
SESSION_LEAD = dt.timedelta(days=365)
# ...and up to now, with an hour's grace for a clock a little ahead or a session just ending.
SESSION_GRACE = dt.timedelta(hours=1)
# A meeting is booked in the future, at most this far ahead.
MEETING_HORIZON = dt.timedelta(days=2 * 365)

# Any time zone is at most 14 hours from UTC: a stored value kept a day inside the datetime
# type's limits converts to every zone without overflowing.
_READABLE_FIRST = dt.datetime.min.replace(tzinfo=dt.UTC) + dt.timedelta(days=1)
_READABLE_LAST = dt.datetime.max.replace(tzinfo=dt.UTC) - dt.timedelta(days=1)


def _day(value: dt.date) -> str:
    return date_format(value, "DATE_FORMAT")


def calendar_date_error(value: dt.date | None) -> str | None:
    if value is None or CALENDAR_FIRST <= value <= CALENDAR_LAST:
        return None
    return gettext("Pick a date between %(first)s and %(last)s.") % {
        "first": _day(CALENDAR_FIRST),
        "last": _day(CALENDAR_LAST),
    }


def session_earliest(cohort_start: dt.date | None) -> dt.datetime:
    first = cohort_start - SESSION_LEAD if cohort_start else CALENDAR_FIRST
    return timezone.make_aware(dt.datetime.combine(max(first, CALENDAR_FIRST), dt.time.min))


def session_time_error(value: dt.datetime, *, cohort_start: dt.date | None) -> str | None:
    """A session lies within its cohort's life: from a year before the cohort starts, to now."""
    if value > timezone.now() + SESSION_GRACE:
        return gettext("Log a session once it has happened.")
    earliest = session_earliest(cohort_start)
    if value < earliest:
        return gettext("A session of this cohort is on or after %(first)s.") % {
            "first": _day(timezone.localdate(earliest))
        }
    return None


def meeting_start_error(value: dt.datetime) -> str | None:
    now = timezone.now()
    if value <= now:
        return gettext("Pick a time in the future.")
    if value > now + MEETING_HORIZON:
        return gettext("Pick a time within two years from now.")
    return None


def readable(value: dt.datetime | None) -> dt.datetime | None:
    """The value, moved inside the range every time zone can show."""
    if value is None or timezone.is_naive(value):
        return value
    return min(max(value, _READABLE_FIRST), _READABLE_LAST)


class RangedDateTimeField(models.DateTimeField):
    """A DateTimeField whose stored values, however extreme, read back as convertible ones."""

    def from_db_value(self, value, expression, connection):
        return readable(value)


def validate_calendar_date(value: dt.date | None) -> None:
    """The model-field validator: admin, model forms and `full_clean` all apply it."""
    if message := calendar_date_error(value):
        raise ValidationError(message, code="date_range")


def repair_unreadable(apps, schema_editor, *, model: str, field: str) -> int:
    """Move stored values the database can hold but Python cannot read (PostgreSQL keeps years
    BC and after 9999; an older version let year 1 typed east of UTC become 1 BC) to the nearest
    readable instant, so every page listing them can render. For data migrations."""
    if schema_editor.connection.vendor != "postgresql":
        return 0  # SQLite stores text that Python always reads back
    table = apps.get_model(*model.split("."))._meta.db_table
    quote = schema_editor.quote_name
    column, table = quote(field), quote(table)
    # Identifiers are quoted by the backend; the bounds are parameters.
    sql = (
        f"UPDATE {table} SET {column} = CASE WHEN {column} < %s THEN %s::timestamptz "  # noqa: S608
        f"ELSE %s::timestamptz END WHERE {column} < %s OR {column} > %s"
    )
    with schema_editor.connection.cursor() as cursor:
        first, last = _READABLE_FIRST, _READABLE_LAST
        cursor.execute(sql, [first, first, last, first, last])
        return cursor.rowcount
