"""Reporting periods: the whole months a report's date range may start and end on, per figure.

Plain Python, no database. Why: two ranges that differ by a month or two would otherwise give,
by subtraction, the figures of the few people in those months (a report up to May and one up to
June tell June's two early closures and their reasons, while June alone says "fewer than K").

So the months of a figure's timeline are cut into periods, from its first month on, each as short
as it can be while every group of people the report can show for that figure counts either nobody
or at least K people in it: the whole population, each department and each seniority band that is
shown, and the groups hidden to protect them, taken together. A period that cannot be closed
before today joins the one before. A figure is shown for a range only when the range starts and
ends on period edges (an open end always does), so any two ranges that both show it differ by
whole periods: nobody, or at least K people, in every group. What two reports give by subtraction
is then never a figure about fewer than K people.

Months are counted as `year * 12 + month - 1`, so that consecutive months are consecutive numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

# month -> group -> the people of that group in that month
Cells = Mapping[int, Mapping[Hashable, set]]


def month_number(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def parse_month(text: str) -> int:
    """ "2027-06" -> its month number; ValueError for anything else (a day included)."""
    year, sep, month = text.partition("-")
    if not (sep and len(year) == 4 and len(month) == 2 and year.isdigit() and month.isdigit()):
        raise ValueError(text)
    return month_number(dt.date(int(year), int(month), 1))


def month_start(number: int) -> dt.date:
    return dt.date(number // 12, number % 12 + 1, 1)


def month_end(number: int) -> dt.date:
    return month_start(number + 1) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Periods:
    """`starts`: the first month of each period, ascending; `last`: the timeline's last month.
    No starts: no one behind the figure at all, any range will do. Not `closed`: fewer than K
    people behind it over the whole timeline, so only a range over all of it will do (one over
    none of it, subtracted from that, gives the few; a figure built on two bases, such as
    sessions per pair-month, is not hidden by the other's people)."""

    starts: tuple[int, ...]
    last: int
    closed: bool = True

    def aligned(self, first: int | None, last: int | None) -> bool:
        """Whether the months `first`..`last` (None: open) start and end on period edges."""
        if not self.starts:
            return True
        whole_start = first is None or first <= self.starts[0]
        whole_end = last is None or last >= self.last
        if not self.closed:
            return whole_start and whole_end
        start_ok = whole_start or first in self.starts
        end_ok = whole_end or last + 1 in self.starts
        return start_ok and end_ok

    def spans(self) -> list[tuple[int, int]]:
        """(first month, last month) of each period."""
        ends = [start - 1 for start in self.starts[1:]] + [self.last]
        return list(zip(self.starts, ends, strict=True))


def _closes(people: Iterable[set], k: int) -> bool:
    return all(not group or len(group) >= k for group in people)


def periods(cells: Cells, *, last: int, k: int) -> Periods:
    """Cut the months from the first one with anybody in `cells` to `last` into periods (see the
    module's docstring). `cells` holds every group that must count nobody or at least K people
    in each period; a person may be in several groups."""
    if not cells:
        return Periods((), last)
    first = min(cells)
    last = max(last, max(cells))
    closed: list[dict[Hashable, set]] = []
    starts = [first]
    current: dict[Hashable, set] = defaultdict(set)
    for month in range(first, last + 1):
        for group, people in cells.get(month, {}).items():
            current[group] |= people
        if _closes(current.values(), k):
            closed.append(current)
            starts.append(month + 1)
            current = defaultdict(set)
    if any(current.values()):
        # Months left open at the end (people in them, not yet K): they join the periods before,
        # as many as it takes. The whole timeline closes unless fewer than K people are behind
        # the figure at all.
        while closed and not _closes(current.values(), k):
            for group, people in closed.pop().items():
                current[group] |= people
            starts.pop()
        return Periods(tuple(starts), last, closed=_closes(current.values(), k))
    starts.pop()  # the last month closed a period: nothing starts after it
    return Periods(tuple(starts), last)
