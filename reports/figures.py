"""The report's figures, what each is computed over, and how a figure is shown.

Plain Python, no database: the selectors fill `Stat`s, every output (page, CSV, XLSX, JSON, the
command) shows them through `shown` and `display`, so suppression is decided in one place.

Suppression: each figure carries `people`, the number of distinct people behind it. A count is
behind the people it counts; a share, average, median or NPS is behind the people it is computed
over (its denominator). Fewer than K people and the figure shows "fewer than K", whatever its value
(a zero included: "nobody in this group of three met this week" singles people out too).

Ranges: a figure is shown for a date range only when the range starts and ends on the edges of
that figure's reporting periods (reports.periods); otherwise it shows "not for this range". Each
figure's `bases` name the people and dates its periods are cut on (two for a ratio of two kinds
of thing: sessions per pair-month); none: the figure does not depend on the range (active pairs
are counted up to today, whatever the range).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from relationships.models import Mentorship

SUPPRESSED = _("fewer than {k}")
OFF_PERIOD = _("not for this range")

BANDS: tuple[tuple[str, int, int], ...] = (("1-3", 1, 3), ("4-6", 4, 6), ("7-10", 7, 10))
NO_BAND = "not set"
NO_DEPARTMENT = "(no department)"

CLOSE_REASONS: tuple[tuple[str, str], ...] = tuple(Mentorship.CloseReason.choices)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    people: str  # who the people behind it are, for the page's "how to read" table
    bases: tuple[str, ...]  # whose months cut its reporting periods (see reports.selectors)
    decimals: int = 0  # 0: a count, shown as an integer


FIGURES: tuple[Figure, ...] = (
    Figure("mentors_enrolled", _("Mentors enrolled"), _("the mentors counted"), ("mentors",)),
    Figure("mentees_enrolled", _("Mentees enrolled"), _("the mentees counted"), ("mentees",)),
    Figure(
        "applications_pending", _("Applications pending"), _("the applicants counted"), ("pending",)
    ),
    Figure("share_matched", _("Mentees matched (%)"), _("the mentees enrolled"), ("mentees",), 1),
    Figure(
        "median_days_to_match", _("Median days to match"), _("the mentees matched"), ("matched",), 1
    ),
    Figure(
        "active_pairs",
        _("Active pairs now (a session in the last 30 days)"),
        _("their mentees"),
        (),
    ),
    Figure("sessions", _("Sessions logged"), _("the mentees of the pairs that met"), ("sessions",)),
    Figure(
        "hours", _("Hours of mentoring"), _("the mentees of the pairs that met"), ("sessions",), 1
    ),
    Figure(
        "sessions_per_pair",
        _("Sessions per pair per month"),
        _("the mentees of the pairs running"),
        ("sessions", "running"),
        1,
    ),
    Figure("goals_set", _("Goals set"), _("the goals' owners"), ("goals",)),
    Figure("goals_achieved_share", _("Goals achieved (%)"), _("the goals' owners"), ("goals",), 1),
    Figure(
        "average_rating",
        _("Average session rating (1 to 5)"),
        _("the people who rated"),
        ("raters",),
        1,
    ),
    Figure("nps", _("Closing survey NPS"), _("the people who answered"), ("respondents",)),
    Figure("pairs_completed", _("Pairs completed"), _("their mentees"), ("completed",)),
    Figure("pairs_closed_early", _("Pairs closed early"), _("their mentees"), ("closed",)),
    Figure(
        "completed_share",
        _("Ended pairs completed (%)"),
        _("the mentees of the pairs ended"),
        ("ended",),
        1,
    ),
    Figure(
        "closed_early_share",
        _("Ended pairs closed early (%)"),
        _("the mentees of the pairs ended"),
        ("ended",),
        1,
    ),
    *(
        Figure(
            f"closed_{value}",
            format_lazy(_("Closed early: {reason}"), reason=label),
            _("their mentees"),
            (f"closed_{value}",),
        )
        for value, label in CLOSE_REASONS
    ),
    # Flash events: who came (at least one round they were there for, in the month of the
    # event), the one-to-one pairs formed after one (both chose each other; in the month the
    # pair was formed, in the follow-on cohort), and the event survey (in the month answered).
    Figure(
        "flash_participants",
        _("Flash event participants (at one round or more)"),
        _("the participants counted"),
        ("flash",),
    ),
    Figure(
        "flash_follow_on_pairs",
        _("Pairs formed after a flash event"),
        _("their mentees"),
        ("follow_on",),
    ),
    Figure(
        "flash_usefulness",
        _("Flash event usefulness (1 to 5)"),
        _("the people who answered the event survey"),
        ("flash_respondents",),
        1,
    ),
    Figure(
        "flash_met_fit_share",
        _("Flash: met someone to learn from (%)"),
        _("the people who answered the event survey"),
        ("flash_respondents",),
        1,
    ),
    Figure(
        "flash_would_return_share",
        _("Flash: would come to another event (%)"),
        _("the people who answered the event survey"),
        ("flash_respondents",),
        1,
    ),
)
BASES = tuple(dict.fromkeys(basis for f in FIGURES for basis in f.bases))
FIGURE_BY_KEY = {figure.key: figure for figure in FIGURES}


@dataclass(frozen=True)
class Stat:
    value: float | None
    people: int
    hidden: bool = False  # hidden to protect another group (see `complementary`)
    off_period: bool = False  # the range splits one of the figure's periods


def shown(stat: Stat, figure: Figure, k: int) -> int | float | str:
    """The figure as every output shows it: a rounded number, "fewer than K", or "not for this
    range"."""
    if stat.people < k or stat.value is None:
        return SUPPRESSED.format(k=k)
    if stat.off_period:
        return str(OFF_PERIOD)
    if stat.hidden:
        return SUPPRESSED.format(k=k)
    if figure.decimals == 0:
        return round(stat.value)
    return round(stat.value, figure.decimals)


def complementary(stats: list[Stat], k: int, members: list[set[int]] | None = None) -> list[Stat]:
    """Hide more of a breakdown's groups until the hidden ones cover at least K people together.

    Otherwise the total minus the groups shown gives a small group's figure back: with 5
    mentees overall and Eng showing 3, a hidden Sales is 2. Groups with nobody behind them
    reveal nothing and need no cover; groups already hidden count as cover. Where one person
    can stand in several groups (two cohorts), `members` gives each group's people, and the
    cover counts each person once."""
    hidden = {i for i, stat in enumerate(stats) if stat.hidden or 0 < stat.people < k}
    if not any(0 < stats[i].people < k for i in hidden):
        return stats

    def cover() -> int:
        if members is None:
            return sum(stats[i].people for i in hidden)
        return len(set().union(*(members[i] for i in hidden)))

    for i in sorted(range(len(stats)), key=lambda i: stats[i].people):
        if cover() >= k:
            break
        if i not in hidden and stats[i].people > 0:
            hidden.add(i)
    return [replace(stat, hidden=True) if i in hidden else stat for i, stat in enumerate(stats)]


def display(value: int | float | str, figure: Figure) -> str:
    if isinstance(value, str):
        return value
    return f"{value:.{figure.decimals}f}" if figure.decimals else str(value)


def band_of(seniority: int | None) -> str:
    for label, low, high in BANDS:
        if seniority is not None and low <= seniority <= high:
            return label
    return NO_BAND


def ratio(part: float, whole: float, scale: float = 1) -> float | None:
    return scale * part / whole if whole else None
