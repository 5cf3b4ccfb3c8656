"""Participation and outcome figures, aggregated in the database.

A report costs the same queries whatever the data size: one GROUP BY per source (enrolments,
days to match, pairs by each breakdown, ratings, goals, closing surveys, the trend by period).

Who a figure belongs to, for the department and seniority breakdowns and the department filter:
- enrolments, applications, matching: the person enrolled;
- pairs, sessions, hours, outcomes: the pair's mentees (a group pair with mentees in two
  departments counts once in each, and once in the total);
- goals: their owner; ratings: the person who rated; NPS: the person who answered.

The date range bounds each figure by its own date: enrolments and applications by when they were
made, sessions and ratings by when the session happened, goals by when they were set, surveys by
when they were answered, outcomes by when the pair ended; sessions per pair per month divide the
sessions by the months in the range each pair was running (started, not yet ended). Active pairs
had a session in the 30 days up to today, whatever the range.

Ranges are whole months, and a figure is shown for a range only when the range starts and ends on
the edges of that figure's reporting periods (reports.periods): two ranges never differ by fewer
than K people's figures. The periods are cut on `_cells`, one query per source over the whole
timeline (the other filters applied), which says who is behind each figure in each month.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from core.dateranges import CALENDAR_FIRST, CALENDAR_LAST
from flash.follow_on import follow_on_mentorships
from flash.models import Attendance
from flash.models import Meeting as FlashMeeting
from flash.models import SurveyResponse as FlashSurvey
from goals.models import Goal
from profiles.models import Person
from programs.models import Cohort, Enrolment, Program
from relationships.models import ClosingSurvey, Mentorship
from relationships.selectors import with_activity
from reports.figures import (
    BANDS,
    BASES,
    CLOSE_REASONS,
    FIGURE_BY_KEY,
    FIGURES,
    NO_BAND,
    NO_DEPARTMENT,
    Stat,
    band_of,
    complementary,
    ratio,
    shown,
)
from reports.funnel import FIRST_MEETING_DAYS, Funnel, program_funnel
from reports.periods import Periods, month_end, month_number, month_start, periods
from reports.pulse import MatchValidity, Pulse, match_validity, pulse_ratings
from reports.quality import Quality, match_quality
from reports.retention import Retention, retention_comparison
from sessions.models import SessionLog, SessionRating

ALL = "All"
DIMENSIONS = ("department", "seniority")
ACTIVE_WINDOW = dt.timedelta(days=30)
# The filters' names and their values when unset: English in the JSON output (stable keys),
# in the reader's language on the page and in the CSV.
FILTER = "report filter"
FILTER_WORDS = {
    "Program": pgettext_lazy(FILTER, "Program"),
    "Cohort": pgettext_lazy(FILTER, "Cohort"),
    "Department": pgettext_lazy(FILTER, "Department"),
    "From": pgettext_lazy(FILTER, "From"),
    "To": pgettext_lazy(FILTER, "To"),
    "All": pgettext_lazy(FILTER, "All"),
    "the start": pgettext_lazy(FILTER, "the start"),
    "today": pgettext_lazy(FILTER, "today"),
}
MentorshipMentee = Mentorship.mentees.through


@dataclass(frozen=True)
class ReportFilters:
    """What the report covers. `programs` is the reader's scope; None: the whole organisation.

    `since` and `until` are whole months (the first and the last day of one): anything else is
    refused here, so no output can be asked for a range that splits a month."""

    programs: QuerySet[Program] | None = None
    program: Program | None = None
    cohort: Cohort | None = None
    department: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    def __post_init__(self) -> None:
        if self.since is not None and self.since.day != 1:
            raise ValueError(f"A range starts on the first of a month, not {self.since}.")
        if self.until is not None and self.until != month_end(month_number(self.until)):
            raise ValueError(f"A range ends on the last day of a month, not {self.until}.")

    @property
    def months(self) -> tuple[int | None, int | None]:
        """The range as month numbers (reports.periods); None: open."""
        return (
            month_number(self.since) if self.since else None,
            month_number(self.until) if self.until else None,
        )

    def whole_timeline(self) -> ReportFilters:
        return replace(self, since=None, until=None)

    def cohorts(self) -> QuerySet[Cohort] | None:
        """The cohorts covered, as a subquery; None when that is every cohort."""
        if self.programs is None and self.program is None and self.cohort is None:
            return None
        cohorts = Cohort.objects.all()
        if self.programs is not None:
            cohorts = cohorts.filter(program__in=self.programs)
        if self.program is not None:
            cohorts = cohorts.filter(program=self.program)
        if self.cohort is not None:
            cohorts = cohorts.filter(pk=self.cohort.pk)
        return cohorts.values("pk")

    @property
    def start(self) -> dt.datetime | None:
        return _midnight(max(self.since, CALENDAR_FIRST)) if self.since else None

    @property
    def end(self) -> dt.datetime | None:
        """Exclusive: the midnight after `until`."""
        if not self.until:
            return None
        return _midnight(min(self.until, CALENDAR_LAST) + dt.timedelta(days=1))

    def in_range(self, path: str) -> Q:
        """Never wider than the calendar: a value an older version let through (a session in
        year 1) is left out of the figures rather than stretch the weekly trend over millennia."""
        start = self.start or _midnight(CALENDAR_FIRST)
        end = self.end or _midnight(CALENDAR_LAST + dt.timedelta(days=1))
        return Q(**{f"{path}__gte": start, f"{path}__lt": end})

    def scoped(self, queryset: QuerySet, cohort_path: str) -> QuerySet:
        cohorts = self.cohorts()
        return queryset if cohorts is None else queryset.filter(**{f"{cohort_path}__in": cohorts})

    def describe(self, *, localised: bool = True) -> list[tuple[str, str]]:
        """(name, value) per filter; `localised=False`: the English words, for JSON keys."""

        def word(english: str) -> str:
            return str(FILTER_WORDS[english]) if localised else english

        return [
            (word("Program"), self.program.name if self.program else word("All")),
            (word("Cohort"), self.cohort.name if self.cohort else word("All")),
            (word("Department"), self.department or word("All")),
            (word("From"), self.since.strftime("%Y-%m") if self.since else word("the start")),
            (word("To"), self.until.strftime("%Y-%m") if self.until else word("today")),
        ]


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def band_expression(prefix: str) -> Case:
    return Case(
        *(
            When(
                **{f"{prefix}seniority__gte": low, f"{prefix}seniority__lte": high},
                then=Value(label),
            )
            for label, low, high in BANDS
        ),
        default=Value(NO_BAND),
        output_field=CharField(),
    )


def _group_expression(dimension: str, prefix: str):
    if dimension == "department":
        return F(f"{prefix}department")
    if dimension == "seniority":
        return band_expression(prefix)
    return Value(ALL, output_field=CharField())


# --- The report -----------------------------------------------------------------------------


@dataclass
class Group:
    label: str
    stats: dict[str, Stat]

    def values(self, k: int) -> dict[str, int | float | str]:
        return {f.key: shown(self.stats[f.key], f, k) for f in FIGURES}


@dataclass
class Report:
    filters: ReportFilters
    k: int
    overall: Group
    breakdowns: dict[str, list[Group]]
    trend: list[tuple[str, Stat]]  # sessions per reporting period: (its months, sessions)
    funnel: Funnel | None = None
    pulse: Pulse | None = None
    validity: MatchValidity | None = None
    quality: Quality | None = None
    retention: Retention | None = None
    generated_at: dt.datetime = field(default_factory=timezone.now)

    def trend_values(self) -> list[tuple[str, int | str]]:
        figure = FIGURE_BY_KEY["sessions"]
        return [(label, shown(stat, figure, self.k)) for label, stat in self.trend]


def participation_report(
    filters: ReportFilters, *, k: int, first_meeting_days: int = FIRST_MEETING_DAYS
) -> Report:
    raw: dict[str, dict[str, dict[str, float]]] = {
        dim: defaultdict(lambda: defaultdict(float)) for dim in ("all", *DIMENSIONS)
    }
    days: dict[str, dict[str, list[float]]] = {
        dim: defaultdict(list) for dim in ("all", *DIMENSIONS)
    }

    matched_people: dict[str, dict[str, set[int]]] = {d: defaultdict(set) for d in days}
    for department, seniority_band, person_id, enrolled_at, matched_at in _days_to_match(filters):
        waited = max((matched_at - enrolled_at).total_seconds() / 86400, 0)
        for dim, group in (
            ("all", ALL),
            ("department", department or NO_DEPARTMENT),
            ("seniority", seniority_band),
        ):
            days[dim][group].append(waited)
            matched_people[dim][group].add(person_id)
    # Pairs can span departments and bands: their figures are counted per breakdown.
    for dim, group, row in _pairs(filters):
        if dim == "department":
            group = group or NO_DEPARTMENT
        for key, value in row.items():
            raw[dim][group][key] += float(value or 0)
    # Enrolments, ratings, goals and surveys: summed from the month-by-month rows `_cells` reads
    # for the reporting periods anyway (one query per source, the range a choice of months).
    cells, sums, session_counts = _cells(filters)
    for (dim, group), numbers in sums.items():
        for key, value in numbers.items():
            raw[dim][group][key] += value
    _flash_people(filters, raw, cells)

    def build(dim: str, label: str) -> Group:
        numbers = raw[dim].get(label, defaultdict(float))
        waits = days[dim].get(label, [])
        stats = _stats(numbers, waits, len(matched_people[dim].get(label, ())))
        return Group(label, stats)

    overall = build("all", ALL)
    breakdowns = {
        "department": [build("department", label) for label in sorted(raw["department"])],
        "seniority": [
            build("seniority", label)
            for label in [b[0] for b in BANDS] + [NO_BAND]
            if label in raw["seniority"]
        ],
    }
    timeline = _protect(filters, cells, overall, breakdowns, k=k)
    for groups in breakdowns.values():
        for figure in FIGURES:
            protected = complementary([g.stats[figure.key] for g in groups], k)
            for group, stat in zip(groups, protected, strict=True):
                group.stats[figure.key] = stat
    return Report(
        filters=filters,
        k=k,
        overall=overall,
        breakdowns=breakdowns,
        trend=_trend(filters, timeline["sessions"], cells["sessions"], session_counts),
        funnel=program_funnel(filters, k=k, first_meeting_days=first_meeting_days),
        pulse=pulse_ratings(filters, k=k),
        validity=match_validity(filters, k=k),
        quality=match_quality(filters, k=k),
        retention=retention_comparison(filters, k=k),
    )


HIDDEN = "(hidden groups)"  # the hidden groups of a breakdown, together, in `_protect`


def _current_month() -> int:
    return month_number(timezone.localdate())


def _protect(
    filters: ReportFilters,
    cells: dict[str, dict[int, dict[tuple[str, str], set[int]]]],
    overall: Group,
    breakdowns: dict[str, list[Group]],
    *,
    k: int,
) -> dict[str, Periods]:
    """Hide what two ranges would give away by subtraction (reports.periods), per basis.

    The groups of a breakdown hidden over the whole timeline (fewer than K people, and those
    hidden to cover them) stay hidden in every range, and count as one group when the periods
    are cut: their figures, together, are what the total minus the groups shown gives."""
    first, last = filters.months
    timeline = {}
    for basis in BASES:
        by_month = cells[basis]
        everyone: dict[tuple[str, str], set[int]] = defaultdict(set)
        for groups in by_month.values():
            for group, people in groups.items():
                everyone[group] |= people
        hidden: set[tuple[str, str]] = set()
        for dim in breakdowns:
            labels = sorted({label for d, label in everyone if d == dim})
            stats = complementary([Stat(None, len(everyone[dim, label])) for label in labels], k)
            hidden |= {
                (dim, label) for label, stat in zip(labels, stats, strict=True) if stat.hidden
            }
        merged: dict[int, dict[tuple[str, str], set[int]]] = {}
        for month, groups in by_month.items():
            merged[month] = defaultdict(set)
            for (dim, label), people in groups.items():
                merged[month][dim, HIDDEN if (dim, label) in hidden else label] |= people
        timeline[basis] = periods(merged, last=_current_month(), k=k)
        aligned = timeline[basis].aligned(first, last)
        keys = [figure.key for figure in FIGURES if basis in figure.bases]
        for dim, group in [("all", overall)] + [
            (dim, group) for dim, groups in breakdowns.items() for group in groups
        ]:
            for key in keys:
                stat = group.stats[key]
                group.stats[key] = replace(
                    stat,
                    off_period=stat.off_period or not aligned,
                    hidden=stat.hidden or (dim, group.label) in hidden,
                )
    return timeline


def _stats(n: dict[str, float], waits: list[float], matched_people: int) -> dict[str, Stat]:
    get = n.get
    stats = {
        "mentors_enrolled": Stat(get("mentors", 0), int(get("mentor_people", 0))),
        "mentees_enrolled": Stat(get("mentees", 0), int(get("mentee_people", 0))),
        "applications_pending": Stat(get("pending", 0), int(get("pending_people", 0))),
        "share_matched": Stat(
            ratio(get("matched", 0), get("mentees", 0), 100), int(get("mentee_people", 0))
        ),
        "median_days_to_match": Stat(statistics.median(waits) if waits else None, matched_people),
        "active_pairs": Stat(get("active", 0), int(get("active_people", 0))),
        "sessions": Stat(get("sessions", 0), int(get("session_people", 0))),
        "hours": Stat(get("minutes", 0) / 60, int(get("session_people", 0))),
        "sessions_per_pair": Stat(
            ratio(get("sessions", 0), get("pair_months", 0)), int(get("pair_people", 0))
        ),
        "goals_set": Stat(get("goals", 0), int(get("goal_people", 0))),
        "goals_achieved_share": Stat(
            ratio(get("achieved", 0), get("goals", 0), 100), int(get("goal_people", 0))
        ),
        "average_rating": Stat(
            ratio(get("rating_sum", 0), get("ratings", 0)), int(get("rater_people", 0))
        ),
        "nps": Stat(
            ratio(get("promoters", 0) - get("detractors", 0), get("responses", 0), 100),
            int(get("respondent_people", 0)),
        ),
        "pairs_completed": Stat(get("completed", 0), int(get("completed_people", 0))),
        "pairs_closed_early": Stat(get("closed", 0), int(get("closed_people", 0))),
        "completed_share": Stat(
            ratio(get("completed", 0), get("ended", 0), 100), int(get("ended_people", 0))
        ),
        "closed_early_share": Stat(
            ratio(get("closed", 0), get("ended", 0), 100), int(get("ended_people", 0))
        ),
    }
    for value, _ in CLOSE_REASONS:
        stats[f"closed_{value}"] = Stat(
            get(f"closed_{value}", 0), int(get(f"closed_{value}_people", 0))
        )
    answers, respondents = get("flash_answers", 0), int(get("flash_respondent_people", 0))
    stats |= {
        "flash_participants": Stat(get("flash_people", 0), int(get("flash_people", 0))),
        "flash_follow_on_pairs": Stat(get("follow_on", 0), int(get("follow_on_people", 0))),
        "flash_usefulness": Stat(ratio(get("usefulness_sum", 0), answers), respondents),
        "flash_met_fit_share": Stat(ratio(get("met_fit", 0), answers, 100), respondents),
        "flash_would_return_share": Stat(ratio(get("would_return", 0), answers, 100), respondents),
    }
    return stats


# --- Flash events ---------------------------------------------------------------------------


def _groups_of(department: str, band: str) -> tuple[tuple[str, str], ...]:
    return (("all", ALL), ("department", department or NO_DEPARTMENT), ("seniority", band))


def _flash_people(filters: ReportFilters, raw: dict, cells: dict) -> None:
    """Flash participants and follow-on pairs: who is behind them month by month (the periods'
    cells) and, in the range, the figures. Rows per person and event, or per follow-on pair:
    one query over the whole timeline serves both."""
    first, last = filters.months

    def in_range(month: int) -> bool:
        return (first is None or month >= first) and (last is None or month <= last)

    people: dict[tuple[str, str], set[int]] = defaultdict(set)
    for person, department, seniority, month in _flash_attendance(filters.whole_timeline()):
        for group in _groups_of(department, band_of(seniority)):
            cells["flash"][month][group].add(person)
            if in_range(month):
                people[group].add(person)
    for (dim, group), who in people.items():
        raw[dim][group]["flash_people"] += len(who)
    pairs: dict[tuple[str, str], set[int]] = defaultdict(set)
    mentees: dict[tuple[str, str], set[int]] = defaultdict(set)
    for pair, person, department, seniority, month in _follow_on_rows(filters.whole_timeline()):
        for group in _groups_of(department, band_of(seniority)):
            cells["follow_on"][month][group].add(person)
            if in_range(month):
                pairs[group].add(pair)
                mentees[group].add(person)
    for (dim, group), who in mentees.items():
        raw[dim][group]["follow_on"] += len(pairs[dim, group])
        raw[dim][group]["follow_on_people"] += len(who)


def _flash_attendance(filters: ReportFilters) -> list[tuple[int, str, int | None, int]]:
    """(person, department, seniority, month of the event) for everyone at an event for at
    least one of their meetings: not a no-show, and there by that meeting's round."""
    rows: set[tuple[int, str, int | None, int]] = set()
    meetings = filters.scoped(
        FlashMeeting.objects.filter(event__starts_at__isnull=False), "event__cohort"
    ).filter(filters.in_range("event__starts_at"))
    for side in ("mentee", "mentor"):
        absent = Attendance.objects.filter(event=OuterRef("event"), person=OuterRef(side)).filter(
            Q(arrives_round__isnull=True) | Q(arrives_round__gt=OuterRef("round"))
        )
        present = _people_filter(filters, meetings, f"{side}__").exclude(Exists(absent))
        rows |= set(
            present.annotate(month=_month_number("event__starts_at"))
            .values_list(f"{side}_id", f"{side}__department", f"{side}__seniority", "month")
            .order_by()
            .distinct()
        )
    return sorted(rows, key=lambda row: (row[0], row[3]))


def _follow_on_rows(filters: ReportFilters) -> QuerySet:
    """(pair, mentee, department, seniority, month formed) of the pairs formed after a flash
    event, in the cohorts covered (the follow-on cohorts, where the pairs are)."""
    rows = filters.scoped(
        MentorshipMentee.objects.filter(mentorship__in=follow_on_mentorships()),
        "mentorship__cohort",
    ).filter(filters.in_range("mentorship__created_at"))
    return (
        _people_filter(filters, rows, "person__")
        .annotate(month=_month_number("mentorship__created_at"))
        .values_list(
            "mentorship_id", "person_id", "person__department", "person__seniority", "month"
        )
        .order_by()
    )


# --- Sources, one query each ----------------------------------------------------------------

MENTOR_ROLES = (Enrolment.Role.MENTOR, Enrolment.Role.BOTH)
MENTEE_ROLES = (Enrolment.Role.MENTEE, Enrolment.Role.BOTH)


def _people_filter(filters: ReportFilters, queryset: QuerySet, prefix: str) -> QuerySet:
    if filters.department is not None:
        queryset = queryset.filter(**{f"{prefix}department": filters.department})
    return queryset


def _enrolments_in_scope(filters: ReportFilters) -> QuerySet[Enrolment]:
    enrolments = filters.scoped(Enrolment.objects.all(), "cohort").filter(
        filters.in_range("created_at")
    )
    return _people_filter(filters, enrolments, "person__")


def _matched() -> Exists:
    """A mentorship in the enrolment's cohort with the person as a mentee: proposed, running or
    ended, a match is a match."""
    return Exists(
        MentorshipMentee.objects.filter(
            person=OuterRef("person"), mentorship__cohort=OuterRef("cohort")
        )
    )


def _days_to_match(filters: ReportFilters) -> Iterable[tuple]:
    """One row per matched mentee enrolment: the median needs the values, not a sum (no portable
    median aggregate), so this is the one source that returns rows rather than groups."""
    first_match = Subquery(
        MentorshipMentee.objects.filter(
            person=OuterRef("person"), mentorship__cohort=OuterRef("cohort")
        )
        .order_by("mentorship__created_at")
        .values("mentorship__created_at")[:1]
    )
    return (
        _enrolments_in_scope(filters)
        .filter(status=Enrolment.Status.APPROVED, role__in=MENTEE_ROLES)
        .annotate(matched_at=first_match, b=band_expression("person__"))
        .filter(matched_at__isnull=False)
        .values_list("person__department", "b", "person_id", "created_at", "matched_at")
        .order_by()
    )


def _pair_sessions(filters: ReportFilters) -> QuerySet:
    """Per mentorship: sessions and minutes in the range, and sessions in the 30 days up to today,
    today included (whatever the range: an "active at the range's end" would differ between two
    ranges by a pair or two). Whole days, so the figures are the same all day long and a report
    cached for the day (reports.figure_cache) stays true."""
    in_range = filters.in_range("occurred_at")
    reference = _midnight(timezone.localdate() + dt.timedelta(days=1))
    recent = Q(occurred_at__gte=reference - ACTIVE_WINDOW, occurred_at__lt=reference)
    return (
        filters.scoped(SessionLog.objects.all(), "mentorship__cohort")
        .values("mentorship_id")
        .order_by()
        .annotate(
            n_sessions=Count("pk", filter=in_range),
            minutes=Coalesce(Sum("duration_minutes", filter=in_range), Value(0)),
            n_recent=Count("pk", filter=recent),
        )
    )


def _pair_rows(filters: ReportFilters) -> QuerySet:
    """One row per mentorship-mentee: the mentee's department and band, and how the pair ran."""
    rows = _people_filter(
        filters, filters.scoped(MentorshipMentee.objects.all(), "mentorship__cohort"), "person__"
    )
    running = Q(mentorship__started_at__isnull=False)
    if filters.end:
        running &= Q(mentorship__started_at__lt=filters.end)
    if filters.start:
        running &= Q(mentorship__ended_at__isnull=True) | Q(mentorship__ended_at__gte=filters.start)
    ended = Q(
        mentorship__status__in=Mentorship.ENDED, mentorship__ended_at__isnull=False
    ) & filters.in_range("mentorship__ended_at")

    def flag(condition: Q) -> Case:
        return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())

    return (
        rows.annotate(
            department=F("person__department"),
            band=band_expression("person__"),
            running=flag(running),
            completed=flag(ended & Q(mentorship__status=Mentorship.Status.COMPLETED)),
            closed=flag(ended & Q(mentorship__status=Mentorship.Status.CLOSED)),
            reason=F("mentorship__close_reason"),
        )
        .values(
            "id",
            "mentorship_id",
            "person_id",
            "department",
            "band",
            "running",
            "completed",
            "closed",
            "reason",
        )
        .order_by()
    )


# The pair figures for the total and both breakdowns in one pass: the ORM builds the two inner
# queries (every filter is there); the outer query, over derived tables with window functions,
# is beyond the ORM. A pair with two mentees in one group is one pair there: only its first mentee
# row in the group (rn_<group> = 1) counts it, while people are counted over every mentee.
PAIR_FIGURES_SQL = """
WITH pair_sessions AS ({sessions}),
numbered AS (
    SELECT pair_rows.*,
        COALESCE(pair_sessions.n_sessions, 0) AS n_sessions,
        COALESCE(pair_sessions.minutes, 0) AS minutes,
        COALESCE(pair_sessions.n_recent, 0) AS n_recent,
        ROW_NUMBER() OVER (PARTITION BY pair_rows.mentorship_id ORDER BY pair_rows.id) AS rn_all,
        ROW_NUMBER() OVER (
            PARTITION BY pair_rows.mentorship_id, pair_rows.department ORDER BY pair_rows.id
        ) AS rn_department,
        ROW_NUMBER() OVER (
            PARTITION BY pair_rows.mentorship_id, pair_rows.band ORDER BY pair_rows.id
        ) AS rn_seniority
    FROM ({rows}) pair_rows
    LEFT JOIN pair_sessions ON pair_sessions.mentorship_id = pair_rows.mentorship_id
)
SELECT 'all' AS dim, 'All' AS grp, {figures_all} FROM numbered
UNION ALL
SELECT 'department', department, {figures_department} FROM numbered GROUP BY department
UNION ALL
SELECT 'seniority', band, {figures_seniority} FROM numbered GROUP BY band
"""
PAIR_FIGURES = """
    SUM(CASE WHEN {rn} = 1 AND running = 1 THEN 1 ELSE 0 END) AS pairs,
    COUNT(DISTINCT CASE WHEN running = 1 THEN person_id END) AS pair_people,
    SUM(CASE WHEN {rn} = 1 THEN n_sessions ELSE 0 END) AS sessions,
    SUM(CASE WHEN {rn} = 1 THEN minutes ELSE 0 END) AS minutes,
    COUNT(DISTINCT CASE WHEN n_sessions > 0 THEN person_id END) AS session_people,
    SUM(CASE WHEN {rn} = 1 AND n_recent > 0 THEN 1 ELSE 0 END) AS active,
    COUNT(DISTINCT CASE WHEN n_recent > 0 THEN person_id END) AS active_people,
    SUM(CASE WHEN {rn} = 1 AND completed + closed > 0 THEN 1 ELSE 0 END) AS ended,
    COUNT(DISTINCT CASE WHEN completed + closed > 0 THEN person_id END) AS ended_people,
    SUM(CASE WHEN {rn} = 1 AND completed = 1 THEN 1 ELSE 0 END) AS completed,
    COUNT(DISTINCT CASE WHEN completed = 1 THEN person_id END) AS completed_people,
    SUM(CASE WHEN {rn} = 1 AND closed = 1 THEN 1 ELSE 0 END) AS closed,
    COUNT(DISTINCT CASE WHEN closed = 1 THEN person_id END) AS closed_people"""
REASON_FIGURES = """,
    SUM(CASE WHEN {rn} = 1 AND closed = 1 AND reason = %s THEN 1 ELSE 0 END) AS closed_{value},
    COUNT(DISTINCT CASE WHEN closed = 1 AND reason = %s THEN person_id END)
        AS closed_{value}_people"""


def _pairs(filters: ReportFilters) -> Iterator[tuple[str, str, dict]]:
    """(dimension, group, figures) for the total and each breakdown, from one query."""
    sessions_sql, sessions_params = _pair_sessions(filters).query.sql_with_params()
    rows_sql, rows_params = _pair_rows(filters).query.sql_with_params()
    figures, params = {}, [*sessions_params, *rows_params]
    for dim in ("all", *DIMENSIONS):
        rn = f"rn_{dim}"
        figures[f"figures_{dim}"] = PAIR_FIGURES.format(rn=rn) + "".join(
            REASON_FIGURES.format(rn=rn, value=value) for value, _ in CLOSE_REASONS
        )
        params += [value for value, _ in CLOSE_REASONS for _ in range(2)]
    sql = PAIR_FIGURES_SQL.format(sessions=sessions_sql, rows=rows_sql, **figures)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(columns, values, strict=True))
            dim, group = row.pop("dim"), row.pop("grp")
            yield dim, group, row


def _sessions_in_scope(filters: ReportFilters) -> QuerySet[SessionLog]:
    sessions = filters.scoped(SessionLog.objects.all(), "mentorship__cohort").filter(
        filters.in_range("occurred_at")
    )
    if filters.department is not None:
        sessions = sessions.filter(
            Exists(
                MentorshipMentee.objects.filter(
                    mentorship=OuterRef("mentorship"), person__department=filters.department
                )
            )
        )
    return sessions


def _trend(
    filters: ReportFilters,
    timeline: Periods,
    people: dict[int, dict[tuple[str, str], set[int]]],
    counts: dict[int, int],
) -> list[tuple[str, Stat]]:
    """Sessions per reporting period of the sessions figure, for the periods the range covers
    (one a range splits shows "not for this range"); the people behind a period are the mentees
    of the pairs that met. `counts`: the sessions of each month in the range (`_cells`)."""
    if not counts:
        return []
    first, last = filters.months
    trend = []
    for start, end in timeline.spans():
        if (last is not None and start > last) or (first is not None and end < first):
            continue
        inside = (first is None or start >= first) and (last is None or end <= last)
        months = range(start, end + 1)
        behind = set().union(*(people.get(m, {}).get(("all", ALL), ()) for m in months))
        label = month_start(start).strftime("%Y-%m")
        if end > start:
            label += " to " + month_start(end).strftime("%Y-%m")
        stat = Stat(sum(counts.get(m, 0) for m in months), len(behind), off_period=not inside)
        trend.append((label, stat))
    return trend


def _month_number(path: str) -> ExpressionWrapper:
    """The month of a date-time in the current time zone, numbered as in reports.periods, in
    SQL (converting each row's date-time in Python cost more than the rest of the report)."""
    year, month = Cast(ExtractYear(path), IntegerField()), Cast(ExtractMonth(path), IntegerField())
    return ExpressionWrapper(year * 12 + month - 1, output_field=IntegerField())


ENROLMENT_CELL_FIELDS = (
    "person_id",
    "person__department",
    "person__seniority",
    "month",
    "role",
    "status",
    "is_matched",
)
PAIR_CELL_FIELDS = (
    "mentorship_id",
    "person_id",
    "person__department",
    "person__seniority",
    "started",
    "ended",
    "mentorship__status",
    "mentorship__close_reason",
)


def _cells(filters: ReportFilters) -> tuple[dict, dict, dict[int, int]]:
    """Who is behind each basis (reports.figures) in each month, over the whole timeline:
    basis -> month -> (dimension, group) -> person ids. Read from the same rows, month by
    month (so each source is read once, and the range is a choice of months): per group, the
    figures of the months in the range (enrolments, ratings, goals, surveys, and the pair-months
    in which a pair was running), and the sessions of each month in the range (the trend).
    Sized by people-months, never by sessions."""
    cells: dict[str, dict] = {b: defaultdict(lambda: defaultdict(set)) for b in BASES}
    sums: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    first, last = filters.months
    everything = filters.whole_timeline()

    def in_range(month: int) -> bool:
        return (first is None or month >= first) and (last is None or month <= last)

    @cache
    def groups(department: str, seniority: int | None) -> tuple[tuple[str, str], ...]:
        return (
            ("all", ALL),
            ("department", department or NO_DEPARTMENT),
            ("seniority", band_of(seniority)),
        )

    def put(basis: str, month: int, person: int, its_groups: tuple) -> None:
        by_group = cells[basis][month]
        for group in its_groups:
            by_group[group].add(person)

    # A person sits in one group of each dimension: their figures in the range are summed per
    # person first, then added to their groups, with `<name>_people` counting the people whose
    # `<name>` is not zero. Every person with a row in the range makes their groups appear.
    def tally(totals: dict, person: int, its_groups: tuple, values: Iterable) -> None:
        entry = totals.get(person)
        if entry is None:
            totals[person] = (its_groups, [value or 0 for value in values])
        else:
            for i, value in enumerate(values):
                entry[1][i] += value or 0

    def settle(totals: dict, names: tuple[str, ...], people: dict[str, str]) -> None:
        for its_groups, values in totals.values():
            figures = dict(zip(names, values, strict=True))
            for name, counted in people.items():
                figures[name] = 1 if figures[counted] else 0
            for group in its_groups:
                total = sums[group]
                for name, value in figures.items():
                    total[name] += float(value)

    enrolments = (
        _enrolments_in_scope(everything)
        .annotate(is_matched=_matched(), month=_month_number("created_at"))
        .values_list(*ENROLMENT_CELL_FIELDS)
        .order_by()
    )
    approved, applied = Enrolment.Status.APPROVED, Enrolment.Status.APPLIED
    enrolled: dict[int, tuple] = {}
    for person, department, seniority, month, role, status, matched in enrolments:
        its_groups = groups(department, seniority)
        mentor = status == approved and role in MENTOR_ROLES
        mentee = status == approved and role in MENTEE_ROLES
        pending = status == applied
        if mentor:
            put("mentors", month, person, its_groups)
        if mentee:
            put("mentees", month, person, its_groups)
            if matched:
                put("matched", month, person, its_groups)
        if pending:
            put("pending", month, person, its_groups)
        if in_range(month):
            tally(enrolled, person, its_groups, (mentor, mentee, mentee and matched, pending))
    settle(
        enrolled,
        ("mentors", "mentees", "matched", "pending"),
        {"mentor_people": "mentors", "mentee_people": "mentees", "pending_people": "pending"},
    )

    mentees = _people_filter(
        everything,
        everything.scoped(MentorshipMentee.objects.all(), "mentorship__cohort"),
        "person__",
    )
    pairs = (
        mentees.annotate(
            started=_month_number("mentorship__started_at"),
            ended=_month_number("mentorship__ended_at"),
        )
        .values_list(*PAIR_CELL_FIELDS)
        .order_by()
    )
    now = _current_month()
    running = cells["running"]
    mentees_of: dict[int, list[tuple[int, tuple[tuple[str, str], ...]]]] = defaultdict(list)
    months_running: dict[int, range] = {}
    for pair, person, department, seniority, started, ended, status, reason in pairs:
        its_groups = groups(department, seniority)
        mentees_of[pair].append((person, its_groups))
        if status in Mentorship.ENDED and ended is not None:
            put("ended", ended, person, its_groups)
            if status == Mentorship.Status.COMPLETED:
                put("completed", ended, person, its_groups)
            else:
                put("closed", ended, person, its_groups)
                if f"closed_{reason}" in cells:
                    put(f"closed_{reason}", ended, person, its_groups)
        if started is not None:
            months = range(started, (now if ended is None else ended) + 1)
            months_running[pair] = months
            for month in months:
                by_group = running[month]
                for group in its_groups:
                    by_group[group].add(person)
    # Pair-months in the range: a pair with two mentees in one group runs there once.
    for pair, months in months_running.items():
        inside = range(
            months.start if first is None else max(months.start, first),
            months.stop if last is None else min(months.stop, last + 1),
        )
        if inside:
            for group in {
                group for _person, its_groups in mentees_of[pair] for group in its_groups
            }:
                sums[group]["pair_months"] += len(inside)

    # Sessions by pair and month (far fewer than sessions), then to the pair's mentees above.
    met = (
        everything.scoped(SessionLog.objects.all(), "mentorship__cohort")
        .filter(everything.in_range("occurred_at"))  # what an older version let through
        .annotate(month=_month_number("occurred_at"))
        .values("mentorship_id", "month")
        .order_by()
        .annotate(n=Count("pk"))
        .values_list("mentorship_id", "month", "n")
    )
    sessions = cells["sessions"]
    session_counts: dict[int, int] = defaultdict(int)
    for pair, month, n in met:
        who = mentees_of.get(pair, ())
        # The trend counts a pair's sessions in a department when a mentee of it is there.
        if in_range(month) and (who or filters.department is None):
            session_counts[month] += n
        by_group = sessions[month]
        for person, its_groups in who:
            for group in its_groups:
                by_group[group].add(person)

    sources = (
        (
            "raters",
            everything.scoped(SessionRating.objects.all(), "session__mentorship__cohort"),
            "person__",
            "session__occurred_at",
            {"ratings": Count("pk"), "rating_sum": Sum("rating")},
            {"rater_people": "ratings"},
        ),
        (
            "goals",
            everything.scoped(Goal.objects.all(), "mentorship__cohort"),
            "owner__",
            "created_at",
            {"goals": Count("pk"), "achieved": Count("pk", filter=Q(status=Goal.Status.ACHIEVED))},
            {"goal_people": "goals"},
        ),
        (
            "respondents",
            everything.scoped(ClosingSurvey.objects.all(), "mentorship__cohort"),
            "person__",
            "submitted_at",
            {
                "responses": Count("pk"),
                "promoters": Count("pk", filter=Q(recommend_score__gte=9)),
                "detractors": Count("pk", filter=Q(recommend_score__lte=6)),
            },
            {"respondent_people": "responses"},
        ),
        (
            "flash_respondents",
            everything.scoped(FlashSurvey.objects.all(), "event__cohort"),
            "person__",
            "created_at",
            {
                "flash_answers": Count("pk"),
                "usefulness_sum": Sum("usefulness"),
                "met_fit": Count("pk", filter=Q(met_fit=True)),
                "would_return": Count("pk", filter=Q(would_return=True)),
            },
            {"flash_respondent_people": "flash_answers"},
        ),
    )
    for basis, queryset, prefix, when, aggregates, people in sources:
        fields = (f"{prefix}id", f"{prefix}department", f"{prefix}seniority", "month")
        rows = (
            _people_filter(everything, queryset, prefix)
            .filter(everything.in_range(when))
            .annotate(month=_month_number(when))
            .filter(month__isnull=False)
            .values(*fields)
            .order_by()
            .annotate(**aggregates)
            .values_list(*fields, *aggregates)
        )
        totals: dict[int, tuple] = {}
        by_month = cells[basis]
        for person, department, seniority, month, *values in rows:
            its_groups = groups(department, seniority)
            by_group = by_month[month]
            for group in its_groups:
                by_group[group].add(person)
            if in_range(month):
                tally(totals, person, its_groups, values)
        settle(totals, tuple(aggregates), people)
    return cells, sums, session_counts


# --- Lists for exports: streamed, never loaded whole -------------------------------------------


def report_departments(filters: ReportFilters) -> QuerySet:
    """Departments of the people enrolled in the reader's programs, for the filter."""
    people = Person.objects.all()
    if filters.programs is not None:
        people = people.filter(enrolments__cohort__program__in=filters.programs)
    return people.values_list("department", flat=True).distinct().order_by("department")


SESSION_DIMENSIONS = ("program", "cohort", "department", "band")


def _session_scope(filters: ReportFilters) -> QuerySet[SessionLog]:
    sessions = _sessions_in_scope(filters)
    if filters.department is not None:
        sessions = sessions.filter(mentorship__mentees__department=filters.department)
    return sessions


def session_people(filters: ReportFilters, dimensions: tuple[str, ...]) -> dict[tuple, int]:
    """Distinct mentees behind each combination of the given labels of the session list."""
    mentees = "mentorship__mentees"
    expressions = {
        "program": F("mentorship__cohort__program__name"),
        "cohort": F("mentorship__cohort__name"),
        "department": F(f"{mentees}__department"),
        "band": band_expression(f"{mentees}__"),
    }
    rows = (
        _session_scope(filters)
        .annotate(**{f"g_{name}": expressions[name] for name in dimensions})
        .values(*(f"g_{name}" for name in dimensions))
        .order_by()
        .annotate(people=Count(mentees, distinct=True))
    )
    return {tuple(row[f"g_{name}"] for name in dimensions): row["people"] for row in rows}


def session_population(filters: ReportFilters) -> int:
    return _session_scope(filters).aggregate(people=Count("mentorship__mentees", distinct=True))[
        "people"
    ]


def session_rows(filters: ReportFilters, *, chunk_size: int = 2000) -> Iterator[tuple]:
    """One row per session, activity only: when, how long, the format, the mentorship and the
    cohort. No notes, topics or feedback. Streamed with a server-side cursor."""
    return (
        _sessions_in_scope(filters)
        .order_by("occurred_at", "pk")
        .values_list(
            "occurred_at", "duration_minutes", "format", "mentorship_id", "mentorship__cohort_id"
        )
        .iterator(chunk_size=chunk_size)
    )


def session_context(filters: ReportFilters) -> tuple[dict[int, tuple], dict[int, tuple]]:
    """Per mentorship, its first mentee's department and seniority (in the department filtered
    on, if any); per cohort, its program's and its own name. Sized by pairs and cohorts, never by
    sessions: looked up while the session rows stream."""
    mentees = _people_filter(
        filters, filters.scoped(MentorshipMentee.objects.all(), "mentorship__cohort"), "person__"
    ).order_by("-pk")
    first_mentee = {
        mentorship: (department, seniority)
        for mentorship, department, seniority in mentees.values_list(
            "mentorship_id", "person__department", "person__seniority"
        )
    }
    cohorts = filters.scoped(Cohort.objects.all(), "pk").values_list("pk", "program__name", "name")
    return first_mentee, {pk: (program, name) for pk, program, name in cohorts}


def pair_rows(filters: ReportFilters, *, chunk_size: int = 500) -> Iterator[Mentorship]:
    """The coordinator's pair list: activity per pair (relationships.selectors.with_activity)."""
    pairs = filters.scoped(Mentorship.objects.all(), "cohort")
    if filters.department is not None:
        pairs = pairs.filter(
            Exists(
                MentorshipMentee.objects.filter(
                    mentorship=OuterRef("pk"), person__department=filters.department
                )
            )
        )
    return with_activity(pairs).order_by("pk").iterator(chunk_size=chunk_size)
