"""Pulse survey ratings ("How useful is your mentoring so far?", 1 to 5), in aggregate.

Per group (the total, each program, each department of the person who answered): the answers,
the average rating and the share of answers of 4 or 5. The people behind each figure are the
people who answered; suppression is the report's (reports.figures), hidden groups covering at
least K people together. Comments are never read here. Like the funnel, the figures cover the
whole life of the cohorts chosen: a date range does not apply. One query.

And whether the match score predicts the ratings (reports.validity), with the pairs compared by
where they came from: the optimiser, a mentee's request, a coordinator's hand.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from matching.models import Proposal
from relationships.models import Mentorship, PulseAnswer
from reports.figures import NO_DEPARTMENT, Figure, Stat, complementary, ratio, shown
from reports.validity import NEGATIVE, NONE, POSITIVE, TOO_FEW, Validity, score_predicts_rating

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


# --- Does the match score predict the pulse? --------------------------------------------------

VERDICTS = {
    TOO_FEW: _("Too few pairs to tell."),
    POSITIVE: _("Pairs with higher match scores rated their mentoring higher."),
    NEGATIVE: _("Pairs with higher match scores rated their mentoring lower."),
    NONE: _("No clear relationship between match score and rating."),
}
SOURCE_FIGURES: tuple[Figure, ...] = (
    Figure("pairs", _("Pairs answering"), "the people who answered", ()),
    Figure("average", _("Average pulse rating (1 to 5)"), "the people who answered", (), 1),
)


@dataclass
class MatchValidity:
    k: int
    validity: Validity
    people: int  # who answered, over the pairs in `validity`
    by_source: list[tuple[str, dict[str, Stat]]]

    @property
    def verdict(self) -> str:
        return str(VERDICTS[self.validity.verdict])

    def values(self) -> dict[str, int | float | str | None]:
        v = self.validity
        return {
            "pairs": v.n,
            "spearman_rho": None if v.rho is None else round(v.rho, 2),
            "ci95_low": None if v.low is None else round(v.low, 2),
            "ci95_high": None if v.high is None else round(v.high, 2),
            "verdict": v.verdict,
            "verdict_text": self.verdict,
        }

    def source_values(self, stats: dict[str, Stat]) -> dict[str, int | float | str]:
        return {f.key: shown(stats[f.key], f, self.k) for f in SOURCE_FIGURES}


def match_validity(filters, *, k: int) -> MatchValidity:
    """Per pair with pulse answers: its mean rating, the score of the proposal it came from (the
    latest, if re-published) and where it came from (optimiser, a mentee's request, by hand).
    Fewer than K people behind it, and the check says "too few pairs to tell". Two queries."""
    answers = filters.scoped(PulseAnswer.objects.all(), "mentorship__cohort")
    if filters.department is not None:
        answers = answers.filter(mentorship__mentees__department=filters.department)
    rows = list(
        answers.values("mentorship_id", "mentorship__source")
        .order_by()
        .annotate(mean=Avg("rating"), people=Count("person", distinct=True))
    )
    people_of = dict(
        answers.values("mentorship_id")
        .order_by()
        .annotate(n=Count("person", distinct=True))
        .values_list("mentorship_id", "n")
    )
    scores = dict(
        Proposal.objects.filter(mentorship_id__in=[row["mentorship_id"] for row in rows])
        .order_by("mentorship_id", "pk")
        .values_list("mentorship_id", "score")
    )  # later proposals of a pair overwrite earlier ones in the dict
    scored = [
        (scores[row["mentorship_id"]], float(row["mean"]))
        for row in rows
        if row["mentorship_id"] in scores
    ]
    people = sum(people_of[row["mentorship_id"]] for row in rows if row["mentorship_id"] in scores)
    validity = score_predicts_rating(scored)
    if people < k:
        validity = Validity(validity.n, None, None, None, TOO_FEW)
    by_source: dict[str, list] = defaultdict(lambda: [0, 0.0, 0])
    for row in rows:
        total = by_source[row["mentorship__source"]]
        total[0] += 1
        total[1] += float(row["mean"])
        total[2] += people_of[row["mentorship_id"]]
    labels = dict(Mentorship.Source.choices)
    groups = [
        (
            str(labels[source]),
            {
                "pairs": Stat(by_source[source][0], by_source[source][2]),
                "average": Stat(
                    ratio(by_source[source][1], by_source[source][0]), by_source[source][2]
                ),
            },
        )
        for source in Mentorship.Source.values
        if source in by_source
    ]
    for figure in SOURCE_FIGURES:
        protected = complementary([s[figure.key] for _label, s in groups], k)
        for (_label, s), stat in zip(groups, protected, strict=True):
            s[figure.key] = stat
    return MatchValidity(k=k, validity=validity, people=people, by_source=groups)
