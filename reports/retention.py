"""12-month retention and grade changes: participants against similar non-participants.

Who is compared, per program and across all programs:

- participants: people with an approved (or since withdrawn) enrolment in a cohort that started
  at least 12 months ago; each is followed for the 12 months from the start of their first such
  cohort (in the program, for a program's figures);
- similar non-participants: people in the directory who never took part in any program, in the
  same department and seniority band (reports.figures.BANDS) as the participant, followed over
  the same 12 months. Each participant's own comparison is the share among their similar
  colleagues; the comparison figure is the average over the participants, so it carries the
  participants' own mix of departments, bands and start dates.

A person counts when they were still in the organisation on the start day (no `left_on`
before it). They stayed when they had not left before the day 12 months later; their grade
changed when HR's data recorded a change (profiles.GradeChange) in those 12 months. The grade
figures count only people with a grade on record. People with no department or seniority, and
participants with no similar colleague, are left out of both sides.

Suppression is the report's (reports.figures): a figure shows when at least K people stand
behind it (the participants, or the similar non-participants, it is computed over), and in the
breakdown by program more groups are hidden until the hidden ones cover at least K distinct
people together. A comparison group of fewer than K is hidden even where the participants'
figure shows. Like the funnel, the figures cover the whole life of the cohorts chosen: a date
range does not apply. Four queries, none sized by sessions.

The comparison says what went with taking part here, not what taking part caused: people chose
to join (self-selection). Every output shows `CAVEAT` next to the figures.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from profiles.models import GradeChange, Person
from programs.models import Enrolment
from reports.charts import chart, pivot
from reports.figures import NO_BAND, Figure, Stat, band_of, complementary, display, ratio, shown

ALL = "All"
DIMENSIONS = ("program",)
# Took part: approved, or approved once and withdrawn since. Neither side may hold them.
TOOK_PART = (Enrolment.Status.APPROVED, Enrolment.Status.WITHDRAWN)

CAVEAT = _(
    "Read with care: people chose to take part, and those who join a mentoring program may "
    "differ from their colleagues in ways these figures cannot see (self-selection). This is a "
    "comparison, not proof that the program caused any difference. Similar colleagues are "
    "people who never took part, in the same department and seniority band as the directory "
    "holds them now, followed over the same 12 months as each participant."
)

FIGURES: tuple[Figure, ...] = (
    Figure("participants", _("Participants compared"), "the participants counted", ()),
    Figure(
        "retained",
        _("Participants still here 12 months after the start (%)"),
        "the participants compared",
        (),
        1,
    ),
    Figure(
        "comparison",
        _("Similar non-participants"),
        "the similar non-participants counted",
        (),
    ),
    Figure(
        "comparison_retained",
        _("Similar non-participants still here 12 months later (%)"),
        "the similar non-participants",
        (),
        1,
    ),
    Figure(
        "grade_changed",
        _("Participants whose grade changed within 12 months (%)"),
        "the participants compared with a grade on record",
        (),
        1,
    ),
    Figure(
        "comparison_grade_changed",
        _("Similar non-participants whose grade changed within 12 months (%)"),
        "the similar non-participants with a grade on record",
        (),
        1,
    ),
)
NOT_COMPARED = Figure(
    "not_compared",
    _("Participants not compared (no department or seniority, or no similar colleague)"),
    "the participants counted",
    (),
)


# --- The comparison, on plain data ------------------------------------------------------------


@dataclass(frozen=True)
class Employee:
    """One person as HR's data describes them."""

    id: int
    department: str
    seniority: int | None
    left_on: dt.date | None = None
    graded: bool = False  # a grade on record, now or in the history
    grade_changes: tuple[dt.date, ...] = ()

    @property
    def cell(self) -> tuple[str, str] | None:
        """Department and seniority band; None when either is unknown (nobody is similar)."""
        band = band_of(self.seniority)
        if not self.department or band == NO_BAND:
            return None
        return self.department, band


@dataclass(frozen=True)
class Outcome:
    stayed: bool
    grade_changed: bool | None  # None: no grade on record


def year_after(day: dt.date) -> dt.date:
    """The same day a year later; 29 February gives 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def outcome(person: Employee, start: dt.date, end: dt.date | None = None) -> Outcome | None:
    """Over the 12 months from `start` (to `end`, the day a year later); None when they had
    left before it."""
    left_on = person.left_on
    if left_on is not None and left_on < start:
        return None
    end = end or year_after(start)
    changed = None
    if person.graded:
        changed = any(start <= day < end for day in person.grade_changes)
    return Outcome(left_on is None or left_on >= end, changed)


@dataclass(frozen=True)
class _Similar:
    """The similar non-participants of one cell, followed from one start day."""

    people: frozenset[int]
    stayed_share: float
    graded: frozenset[int]  # those with a grade on record
    changed_share: float  # among the graded


@dataclass
class _Side:
    """One measure (staying, or a grade change) summed over a group's participants."""

    participants: set[int] = field(default_factory=set)
    hits: int = 0  # participants who stayed (whose grade changed)
    comparison_share: float = 0  # the sum of each participant's similar colleagues' share
    comparison_groups: set[frozenset[int]] = field(default_factory=set)

    @cached_property
    def comparison(self) -> set[int]:
        """Read once every participant is added."""
        return set().union(*self.comparison_groups)

    def add(self, pk: int, hit: bool, share: float, similar: frozenset[int]) -> None:
        self.participants.add(pk)
        self.hits += hit
        self.comparison_share += share
        self.comparison_groups.add(similar)

    def stats(self) -> tuple[Stat, Stat, Stat]:
        n, comparison = len(self.participants), len(self.comparison)
        return (
            Stat(ratio(self.hits, n, 100), n),
            Stat(ratio(self.comparison_share, n, 100), comparison),
            Stat(comparison, comparison),
        )


class _Pool:
    """Similar non-participants by cell, followed from each start day once."""

    def __init__(self, others: Sequence[Employee]) -> None:
        self.by_cell: dict[tuple[str, str], list[Employee]] = defaultdict(list)
        for person in others:
            if person.cell is not None:
                self.by_cell[person.cell].append(person)
        self._similar: dict[tuple, _Similar | None] = {}

    def similar(self, cell: tuple[str, str] | None, start: dt.date) -> _Similar | None:
        """None: nobody similar was there on the start day."""
        if cell is None:
            return None
        key = (cell, start)
        if key not in self._similar:
            end = year_after(start)
            found = ((p.id, outcome(p, start, end)) for p in self.by_cell.get(cell, ()))
            followed = [(pk, o) for pk, o in found if o is not None]
            graded = [(pk, o) for pk, o in followed if o.grade_changed is not None]
            self._similar[key] = (
                _Similar(
                    frozenset(pk for pk, _o in followed),
                    sum(o.stayed for _pk, o in followed) / len(followed),
                    frozenset(pk for pk, _o in graded),
                    sum(bool(o.grade_changed) for _pk, o in graded) / len(graded) if graded else 0,
                )
                if followed
                else None
            )
        return self._similar[key]


def _compare(
    starts: Mapping[int, dt.date], people: Mapping[int, Employee], pool: _Pool
) -> tuple[_Side, _Side, set[int]]:
    """Staying and grade changes of the participants (id -> start day) against their similar
    colleagues; and the participants who could not be compared."""
    stay, grade, not_compared = _Side(), _Side(), set()
    for pk, start in starts.items():
        person = people[pk]
        own = outcome(person, start)
        if own is None:
            continue  # had left before the cohort started: not followed at all
        similar = pool.similar(person.cell, start)
        if similar is None:
            not_compared.add(pk)
            continue
        stay.add(pk, own.stayed, similar.stayed_share, similar.people)
        if own.grade_changed is not None and similar.graded:
            grade.add(pk, own.grade_changed, similar.changed_share, similar.graded)
    return stay, grade, not_compared


@dataclass
class Retention:
    k: int
    overall: dict[str, Stat]
    breakdowns: dict[str, list[tuple[str, dict[str, Stat]]]] = field(default_factory=dict)
    not_compared: Stat = field(default_factory=lambda: Stat(0, 0))

    def values(self, stats: dict[str, Stat]) -> dict[str, int | float | str]:
        return {f.key: shown(stats[f.key], f, self.k) for f in FIGURES}

    @property
    def empty(self) -> bool:
        """Nobody compared: no cohort has run for 12 months, or nobody has a similar colleague."""
        return self.overall["participants"].people == 0

    def not_compared_value(self) -> int | float | str:
        return shown(self.not_compared, NOT_COMPARED, self.k)


def retention_figures(
    *,
    groups: Mapping[str, Mapping[int, dt.date]],
    people: Mapping[int, Employee],
    others: Sequence[Employee],
    k: int,
) -> Retention:
    """`groups`: for ALL and each program, its participants and the day each was first followed
    from; `people`: the participants; `others`: the people who never took part."""
    pool = _Pool(others)
    stats: dict[str, dict[str, Stat]] = {}
    members: dict[str, dict[str, set[int]]] = {}
    not_compared: set[int] = set()
    for label, starts in groups.items():
        stay, grade, missed = _compare(starts, people, pool)
        retained, comparison_retained, comparison = stay.stats()
        grade_changed, comparison_grade_changed, _count = grade.stats()
        n = len(stay.participants)
        stats[label] = {
            "participants": Stat(n, n),
            "retained": retained,
            "comparison": comparison,
            "comparison_retained": comparison_retained,
            "grade_changed": grade_changed,
            "comparison_grade_changed": comparison_grade_changed,
        }
        members[label] = {
            "participants": stay.participants,
            "retained": stay.participants,
            "comparison": stay.comparison,
            "comparison_retained": stay.comparison,
            "grade_changed": grade.participants,
            "comparison_grade_changed": grade.comparison,
        }
        if label == ALL:
            not_compared = missed
    empty = {f.key: Stat(None, 0) for f in FIGURES}
    result = Retention(
        k=k,
        overall=stats.get(ALL, empty),
        not_compared=Stat(len(not_compared), len(not_compared)),
    )
    labels = sorted(label for label in groups if label != ALL)
    breakdown = [(label, stats[label]) for label in labels]
    for figure in FIGURES:
        protected = complementary(
            [s[figure.key] for _label, s in breakdown],
            k,
            [members[label][figure.key] for label in labels],
        )
        for (_label, s), stat in zip(breakdown, protected, strict=True):
            s[figure.key] = stat
    result.breakdowns["program"] = breakdown
    return result


# --- From the database ------------------------------------------------------------------------


def retention_comparison(filters, *, k: int, today: dt.date | None = None) -> Retention:
    """The comparison for `filters` (a reports.selectors.ReportFilters; its months do not
    apply). Four queries."""
    today = today or timezone.localdate()
    enrolments = filters.scoped(
        Enrolment.objects.filter(status__in=TOOK_PART, cohort__start_date__lte=today), "cohort"
    )
    if filters.department is not None:
        enrolments = enrolments.filter(person__department=filters.department)
    groups: dict[str, dict[int, dt.date]] = defaultdict(dict)
    rows = enrolments.values_list("person_id", "cohort__program__name", "cohort__start_date")
    for person, program, start in rows:
        if year_after(start) > today:
            continue  # not 12 months yet
        for label in (ALL, program):
            if person not in groups[label] or start < groups[label][person]:
                groups[label][person] = start
    participant_ids = list(groups.get(ALL, ()))
    took_part = Enrolment.objects.filter(status__in=TOOK_PART).values("person_id")
    fields = ("pk", "department", "seniority", "left_on", "grade")
    participants = list(Person.objects.filter(pk__in=participant_ids).values_list(*fields))
    departments = {department for _pk, department, *_rest in participants if department}
    others = list(
        Person.objects.exclude(pk__in=took_part)
        .filter(department__in=departments, seniority__isnull=False)
        .values_list(*fields)
    )
    changes: dict[int, list[dt.date]] = defaultdict(list)
    in_scope = Q(person_id__in=participant_ids) | Q(person__department__in=departments)
    for person, day in GradeChange.objects.filter(in_scope).values_list("person_id", "changed_on"):
        changes[person].append(day)

    def employee(row: tuple) -> Employee:
        pk, department, seniority, left_on, grade = row
        return Employee(
            id=pk,
            department=department,
            seniority=seniority,
            left_on=left_on,
            graded=bool(grade) or pk in changes,
            grade_changes=tuple(changes.get(pk, ())),
        )

    return retention_figures(
        groups=groups,
        people={row[0]: employee(row) for row in participants},
        others=[employee(row) for row in others],
        k=k,
    )


# --- As the outputs show it -------------------------------------------------------------------


def _programs(retention: Retention) -> list[tuple[str, dict[str, Stat]]]:
    return retention.breakdowns.get("program", [])


def _groups(retention: Retention) -> list[tuple[str, dict[str, Stat]]]:
    return [(gettext("All programs"), retention.overall), *_programs(retention)]


def retention_points(retention: Retention) -> list[tuple[str, int | float | str]]:
    """Participants and their similar colleagues side by side, per group: the share still here
    12 months on, or the text that stands for a hidden one. None when nobody was compared."""
    if retention.empty:
        return []
    points = []
    for label, stats in _groups(retention):
        values = retention.values(stats)
        points.append((gettext("%(group)s: participants") % {"group": label}, values["retained"]))
        points.append(
            (
                gettext("%(group)s: similar colleagues") % {"group": label},
                values["comparison_retained"],
            )
        )
    return points


def retention_page(retention: Retention | None) -> dict | None:
    """What the report page's retention section shows, every value already as text."""
    if retention is None:
        return None
    points = retention_points(retention)
    share = FIGURES[1]
    return {
        "caveat": CAVEAT,
        "chart": chart(points),
        "rows": [(label, display(value, share)) for label, value in points],
        "tables": pivot(
            [
                (label, [display(retention.values(stats)[f.key], f) for f in FIGURES])
                for label, stats in _groups(retention)
            ],
            [str(f.label) for f in FIGURES],
        ),
        "not_compared": display(retention.not_compared_value(), NOT_COMPARED),
    }


def retention_rows(retention: Retention | None, *, text: bool) -> list[tuple]:
    """(section, group, figure, value) rows for the CSV and XLSX report."""
    if retention is None:
        return []
    rows: list[tuple] = [("retention", ALL, gettext("Read with care"), str(CAVEAT))]
    groups = [("retention", ALL, retention.overall)] + [
        ("retention by program", label, stats) for label, stats in _programs(retention)
    ]
    for section, label, stats in groups:
        values = retention.values(stats)
        for figure in FIGURES:
            value = values[figure.key]
            rows.append(
                (section, label, str(figure.label), display(value, figure) if text else value)
            )
    value = retention.not_compared_value()
    shown_value = display(value, NOT_COMPARED) if text else value
    rows.append(("retention", ALL, str(NOT_COMPARED.label), shown_value))
    return rows


def retention_data(retention: Retention | None) -> dict | None:
    """The comparison as plain data for the JSON export and the API."""
    if retention is None:
        return None
    return {
        "caveat": str(CAVEAT),
        "figures": {figure.key: str(figure.label) for figure in FIGURES},
        "overall": retention.values(retention.overall),
        "not_compared": retention.not_compared_value(),
        "by_program": {label: retention.values(stats) for label, stats in _programs(retention)},
    }
