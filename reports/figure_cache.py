"""The participation report, cached under the data version (reports.versioning).

A report is filed under everything it depends on: the data version, read before the data; who
reads it (the programs in the reader's scope, so nobody is served figures computed for a wider
scope); every filter; the smallest group shown (K); the day and the time zone (active pairs and
the current month move with the clock); and the language (labels computed in it). It is stored
as computed, small groups already suppressed, so a hit shows exactly what a fresh report would.
Where there is no data version (no triggers: SQLite), nothing is cached.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from django.core.cache import cache
from django.utils import timezone, translation

from reports.funnel import FIRST_MEETING_DAYS
from reports.selectors import Report, ReportFilters, participation_report
from reports.versioning import data_version

# The key holds the day: no entry is read after it. A new data version leaves the old entries
# unreachable; the cache drops them when they expire or it culls.
TIMEOUT = 24 * 3600
KEY_FORMAT = 1  # raise when Report's shape changes, so no process unpickles an older one


def cached_participation_report(
    filters: ReportFilters, *, k: int, first_meeting_days: int = FIRST_MEETING_DAYS
) -> Report:
    version = data_version()  # before the data: see reports.versioning
    if version is None:
        return participation_report(filters, k=k, first_meeting_days=first_meeting_days)
    key = _key(filters, version=version, k=k, first_meeting_days=first_meeting_days)
    stored = cache.get(key)
    if stored is not None:
        return replace(stored, filters=filters)
    report = participation_report(filters, k=k, first_meeting_days=first_meeting_days)
    # The filters hold the reader's scope as a query: the key says it, the entry need not.
    cache.set(key, replace(report, filters=None), TIMEOUT)
    return report


def _key(filters: ReportFilters, *, version: str, k: int, first_meeting_days: int) -> str:
    scope = (
        "all"
        if filters.programs is None
        else ",".join(map(str, sorted(filters.programs.values_list("pk", flat=True))))
    )
    parts = (
        KEY_FORMAT,
        version,
        scope,
        filters.program.pk if filters.program else None,
        filters.cohort.pk if filters.cohort else None,
        filters.department,
        filters.since,
        filters.until,
        k,
        first_meeting_days,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        timezone.localdate(),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"reports:participation:{version}:{digest}"
