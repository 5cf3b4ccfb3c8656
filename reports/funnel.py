"""The program funnel: how far the mentees of a program, a cohort or a department get.

    eligible (in the directory) -> enrolled -> matched -> first meeting within N days of the
    match -> still meeting at 30 / 60 / 90 days -> completed

with the median days to match, the median days from the match to the first meeting and the share
of mentor capacity in use. Each stage counts distinct people (mentees; a peer counts as one):

- eligible: people in the directory (in the department, for a department); the same figure for
  every program and cohort, since anyone may be invited;
- enrolled: an approved mentee (or peer) enrolment;
- matched: a mentee of a pair in the cohort of that enrolment (proposed, running or ended);
- first meeting within N days: a pair of theirs logged its first session no later than N days
  after the pair was formed;
- still meeting at D days: a pair of theirs logged a session D days or more after it was formed;
- completed: a pair of theirs was completed.

Every stage is counted among the matched (a pair that first met on day 40 is still meeting at
30 days without a first meeting within 30), so a later stage may exceed an earlier one; the
stage names say what is counted. The funnel covers the whole life of the cohorts chosen: a date
range does not apply, so no two ranges can be subtracted from each other.

Suppression is the report's (reports.figures): a figure shows when at least K people stand
behind it, and within each breakdown more groups are hidden until the hidden ones cover at least
K people together. A cost that stays flat: six queries, none sized by sessions.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from profiles.models import Person
from programs.models import Enrolment
from relationships.models import Mentorship
from reports.figures import NO_DEPARTMENT, Figure, Stat, complementary, ratio, shown
from sessions.models import SessionLog

FIRST_MEETING_DAYS = 30
STILL_MEETING_DAYS = (30, 60, 90)
DIMENSIONS = ("program", "cohort", "department")
DIMENSION_LABELS = {
    "program": _("By program"),
    "cohort": _("By cohort"),
    "department": _("By department"),
}
ALL = "All"
LIVE = (Mentorship.Status.PROPOSED, Mentorship.Status.ACTIVE, Mentorship.Status.PAUSED)
MENTOR_ROLES = (Enrolment.Role.MENTOR, Enrolment.Role.BOTH)
MENTEE_ROLES = (Enrolment.Role.MENTEE, Enrolment.Role.BOTH)
MentorshipMentee = Mentorship.mentees.through


def stages(first_meeting_days: int = FIRST_MEETING_DAYS) -> tuple[Figure, ...]:
    return (
        Figure("eligible", gettext("Eligible (in the directory)"), "the people counted", ()),
        Figure("enrolled", gettext("Enrolled as mentees"), "the people counted", ()),
        Figure("matched", gettext("Matched"), "the people counted", ()),
        Figure(
            "first_meeting",
            gettext("First meeting within %(days)d days of the match")
            % {"days": first_meeting_days},
            "the people counted",
            (),
        ),
        *(
            Figure(
                f"meeting_{days}",
                gettext("Still meeting at %(days)d days") % {"days": days},
                "the people counted",
                (),
            )
            for days in STILL_MEETING_DAYS
        ),
        Figure("completed", gettext("Completed"), "the people counted", ()),
    )


MEASURES: tuple[Figure, ...] = (
    Figure("median_days_to_match", _("Median days to match"), "the mentees matched", (), 1),
    Figure(
        "median_days_to_first_meeting",
        _("Median days from match to first meeting"),
        "the mentees whose pair met",
        (),
        1,
    ),
    Figure("capacity_used", _("Mentor capacity used (%)"), "the mentors enrolled", (), 1),
)


@dataclass
class Funnel:
    k: int
    first_meeting_days: int
    overall: dict[str, Stat]
    breakdowns: dict[str, list[tuple[str, dict[str, Stat]]]] = field(default_factory=dict)

    @property
    def figures(self) -> tuple[Figure, ...]:
        return (*stages(self.first_meeting_days), *MEASURES)

    @property
    def stages(self) -> tuple[Figure, ...]:
        return stages(self.first_meeting_days)

    def values(self, stats: dict[str, Stat]) -> dict[str, int | float | str]:
        return {f.key: shown(stats[f.key], f, self.k) for f in self.figures}


def _days(start: dt.datetime, end: dt.datetime) -> float:
    return max((end - start).total_seconds() / 86400, 0)


def program_funnel(filters, *, k: int, first_meeting_days: int = FIRST_MEETING_DAYS) -> Funnel:
    """The funnel for `filters` (a reports.selectors.ReportFilters; its months do not apply)."""
    department = filters.department
    people = Person.objects.all()
    if department is not None:
        people = people.filter(department=department)
    directory = {
        (row["department"] or NO_DEPARTMENT): row["n"]
        for row in people.values("department").order_by().annotate(n=Count("pk"))
    }

    def by_person(queryset, cohort_path: str = "cohort"):
        queryset = filters.scoped(queryset, cohort_path)
        if department is not None:
            queryset = queryset.filter(person__department=department)
        return queryset

    enrolments = by_person(
        Enrolment.objects.filter(status=Enrolment.Status.APPROVED, role__in=MENTEE_ROLES)
    ).values_list(
        "person_id",
        "person__department",
        "cohort_id",
        "cohort__name",
        "cohort__program__name",
        "created_at",
    )
    pairs_of: dict[tuple[int, int], list[tuple]] = defaultdict(list)
    mentee_rows = by_person(MentorshipMentee.objects.all(), "mentorship__cohort").values_list(
        "person_id",
        "mentorship__cohort_id",
        "mentorship_id",
        "mentorship__created_at",
        "mentorship__status",
    )
    for person, cohort, pair, created, status in mentee_rows:
        pairs_of[person, cohort].append((pair, created, status))
    met = {
        row["mentorship_id"]: (row["first"], row["last"])
        for row in filters.scoped(SessionLog.objects.all(), "mentorship__cohort")
        .values("mentorship_id")
        .order_by()
        .annotate(first=Min("occurred_at"), last=Max("occurred_at"))
    }

    reached: dict[tuple[str, str], dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    waits: dict[tuple[str, str], dict[str, dict[int, float]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for person, person_department, cohort, cohort_name, program_name, enrolled_at in enrolments:
        groups = (
            ("all", ALL),
            ("program", program_name),
            ("cohort", f"{program_name} · {cohort_name}"),
            ("department", person_department or NO_DEPARTMENT),
        )
        pairs = sorted(pairs_of.get((person, cohort), ()), key=lambda p: (p[1], p[0]))
        keys = {"enrolled"}
        match_wait = first_meeting_wait = None
        if pairs:
            keys.add("matched")
            match_wait = _days(enrolled_at, pairs[0][1])
        for pair, created, status in pairs:
            if status == Mentorship.Status.COMPLETED:
                keys.add("completed")
            if pair not in met:
                continue
            first, last = met[pair]
            if first_meeting_wait is None:
                first_meeting_wait = _days(created, first)
            if first - created <= dt.timedelta(days=first_meeting_days):
                keys.add("first_meeting")
            for days in STILL_MEETING_DAYS:
                if last - created >= dt.timedelta(days=days):
                    keys.add(f"meeting_{days}")
        for group in groups:
            for key in keys:
                reached[group][key].add(person)
            # One wait per person and group: their first enrolment's, the earliest match.
            if match_wait is not None:
                waits[group]["match"].setdefault(person, match_wait)
            if first_meeting_wait is not None:
                waits[group]["first_meeting"].setdefault(person, first_meeting_wait)

    capacity = _capacity(filters, by_person)

    def stats(group: tuple[str, str]) -> dict[str, Stat]:
        dim, label = group
        eligible = directory.get(label, 0) if dim == "department" else sum(directory.values())
        result = {"eligible": Stat(eligible, eligible)}
        for figure in stages(first_meeting_days)[1:]:
            n = len(reached[group][figure.key])
            result[figure.key] = Stat(n, n)
        for key, name in (
            ("median_days_to_match", "match"),
            ("median_days_to_first_meeting", "first_meeting"),
        ):
            values = list(waits[group][name].values())
            result[key] = Stat(statistics.median(values) if values else None, len(values))
        used, offered, mentors = capacity.get(group, (0, 0, set()))
        result["capacity_used"] = Stat(ratio(used, offered, 100), len(mentors))
        return result

    labels: dict[str, set[str]] = defaultdict(set)
    for dim, label in (*reached, *capacity):
        labels[dim].add(label)
    if department is None:
        labels["department"] |= set(directory)
    funnel = Funnel(k=k, first_meeting_days=first_meeting_days, overall=stats(("all", ALL)))
    figures = funnel.figures

    def members(group: tuple[str, str], key: str) -> set[int] | None:
        """The people behind one group's figure, where a person can be in several groups."""
        if key == "median_days_to_match":
            return set(waits[group]["match"])
        if key == "median_days_to_first_meeting":
            return set(waits[group]["first_meeting"])
        if key == "capacity_used":
            return set(capacity.get(group, (0, 0, set()))[2])
        return reached[group][key] if key != "eligible" else None

    for dim in DIMENSIONS:
        groups = [(label, stats((dim, label))) for label in sorted(labels[dim])]
        for figure in figures:
            people = [members((dim, label), figure.key) for label, _s in groups]
            protected = complementary(
                [s[figure.key] for _label, s in groups],
                k,
                None if any(p is None for p in people) else people,
            )
            for (_label, s), stat in zip(groups, protected, strict=True):
                s[figure.key] = stat
        funnel.breakdowns[dim] = groups
    return funnel


def _capacity(filters, by_person) -> dict[tuple[str, str], tuple[int, int, set[int]]]:
    """Per group: mentee places taken in live pairs (proposed, active, paused), places offered by
    approved mentors (their enrolment's capacity, else the program's default), and the mentors."""
    taken = {
        (row["mentorship__mentor_id"], row["mentorship__cohort_id"]): row["n"]
        for row in filters.scoped(MentorshipMentee.objects.all(), "mentorship__cohort")
        .filter(mentorship__status__in=LIVE)
        .values("mentorship__mentor_id", "mentorship__cohort_id")
        .order_by()
        .annotate(n=Count("pk"))
    }
    mentors = by_person(
        Enrolment.objects.filter(status=Enrolment.Status.APPROVED, role__in=MENTOR_ROLES)
    ).values_list(
        "person_id",
        "person__department",
        "cohort_id",
        "cohort__name",
        "cohort__program__name",
        "capacity",
        "cohort__program__default_capacity",
    )
    totals: dict[tuple[str, str], list] = defaultdict(lambda: [0, 0, set()])
    for person, department, cohort, cohort_name, program_name, own, default in mentors:
        for group in (
            ("all", ALL),
            ("program", program_name),
            ("cohort", f"{program_name} · {cohort_name}"),
            ("department", department or NO_DEPARTMENT),
        ):
            total = totals[group]
            total[0] += taken.get((person, cohort), 0)
            total[1] += own or default
            total[2].add(person)
    return {group: tuple(total) for group, total in totals.items()}
