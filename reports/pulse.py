"""Pulse survey ratings ("How useful is your mentoring so far?", 1 to 5), in aggregate.

Per group (the total, each program, each department of the person who answered): the answers,
the average rating and the share of answers of 4 or 5. The people behind each figure are the
people who answered; suppression is the report's (reports.figures), hidden groups covering at
least K people together. Comments are never read here. Like the funnel, the figures cover the
whole life of the cohorts chosen: a date range does not apply. One query.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from relationships.models import PulseAnswer
from reports.figures import NO_DEPARTMENT, Figure, Stat, complementary, ratio, shown

DIMENSIONS = ("program", "department")
DIMENSION_LABELS = {"program": _("Pulse by program"), "department": _("Pulse by department")}
ALL = "All"

FIGURES: tuple[Figure, ...] = (
    Figure("pulse_answers", _("Pulse answers"), "the people who answered", ()),
    Figure("pulse_average", _("Average pulse rating (1 to 5)"), "the people who answered", (), 1),
    Figure(
        "pulse_useful_share", _("Pulse answers of 4 or 5 (%)"), "the people who answered", (), 1
    ),
)


@dataclass
class Pulse:
    k: int
    overall: dict[str, Stat]
    breakdowns: dict[str, list[tuple[str, dict[str, Stat]]]] = field(default_factory=dict)

    def values(self, stats: dict[str, Stat]) -> dict[str, int | float | str]:
        return {f.key: shown(stats[f.key], f, self.k) for f in FIGURES}


def pulse_ratings(filters, *, k: int) -> Pulse:
    answers = filters.scoped(PulseAnswer.objects.all(), "mentorship__cohort")
    if filters.department is not None:
        answers = answers.filter(person__department=filters.department)
    rows = (
        answers.values("person_id", "person__department", "mentorship__cohort__program__name")
        .order_by()
        .annotate(n=Count("pk"), total=Sum("rating"), useful=Count("pk", filter=Q(rating__gte=4)))
    )
    sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0, 0])
    people: dict[tuple[str, str], set[int]] = defaultdict(set)
    for row in rows:
        for group in (
            ("all", ALL),
            ("program", row["mentorship__cohort__program__name"]),
            ("department", row["person__department"] or NO_DEPARTMENT),
        ):
            total = sums[group]
            total[0] += row["n"]
            total[1] += row["total"]
            total[2] += row["useful"]
            people[group].add(row["person_id"])

    def stats(group: tuple[str, str]) -> dict[str, Stat]:
        n, total, useful = sums.get(group, (0, 0, 0))
        behind = len(people.get(group, ()))
        return {
            "pulse_answers": Stat(n, behind),
            "pulse_average": Stat(ratio(total, n), behind),
            "pulse_useful_share": Stat(ratio(useful, n, 100), behind),
        }

    pulse = Pulse(k=k, overall=stats(("all", ALL)))
    for dim in DIMENSIONS:
        groups = [(label, stats((d, label))) for d, label in sorted(sums) if d == dim]
        for figure in FIGURES:
            protected = complementary([s[figure.key] for _label, s in groups], k)
            for (_label, s), stat in zip(groups, protected, strict=True):
                s[figure.key] = stat
        pulse.breakdowns[dim] = groups
    return pulse
