"""Pairs formed from scored proposals, with outcomes chosen per pair, for the match-quality tests.

`scored_pairs(program, rows)`: one pair per row, mentor and mentee new people of `department`;
a row gives the pair's criterion matches (0 to 1 each, turned into points with WEIGHTS as the
run's snapshot would), its pulse rating, closing rating and ending (None: not answered or still
running).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from matching.models import MatchingSettings, MatchRun, Proposal
from programs.models import Enrolment
from relationships.models import ClosingSurvey, Mentorship, PulseAnswer
from tests.factories import CohortFactory, PersonFactory, UserFactory

# Sum 100: a criterion's points are its weight times how well the pair met it.
WEIGHTS = {
    "expertise": 40.0,
    "seniority": 20.0,
    "department": 10.0,
    "language": 20.0,
    "timezone": 5.0,
    "format": 5.0,
}


@dataclass
class Row:
    matches: dict[str, float]
    pulse: int | None = None
    closing: int | None = None
    status: str = "active"  # or "completed", "closed"
    people: list = field(default_factory=list)


def save_weights(program, weights: dict[str, float] = WEIGHTS) -> MatchingSettings:
    settings, _ = MatchingSettings.objects.update_or_create(
        program=program, defaults={"weights": dict(weights)}
    )
    return settings


def scored_pairs(program, rows: list[Row], *, department: str = "Eng", slug: str | None = None):
    cohort = CohortFactory(program=program, status="active", **({"slug": slug} if slug else {}))
    run = MatchRun.objects.create(cohort=cohort, settings_snapshot={"weights": WEIGHTS})
    for row in rows:
        mentor, mentee = (PersonFactory(user=UserFactory(), department=department) for _ in "ab")
        enrolments = [
            Enrolment.objects.create(cohort=cohort, person=p, role=r, status="approved")
            for p, r in ((mentor, "mentor"), (mentee, "mentee"))
        ]
        pair = Mentorship.objects.create(
            cohort=cohort, mentor=mentor, status=row.status, source="matching"
        )
        pair.mentees.set([mentee])
        points = {name: round(WEIGHTS[name] * match, 2) for name, match in row.matches.items()}
        Proposal.objects.create(
            run=run,
            mentor=enrolments[0],
            mentee=enrolments[1],
            score=round(sum(points.values()), 2),
            breakdown=points,
            mentorship=pair,
        )
        for person in (mentor, mentee):
            if row.pulse is not None:
                PulseAnswer.objects.create(
                    mentorship=pair, person=person, round=0, rating=row.pulse
                )
            if row.closing is not None:
                role = "mentor" if person == mentor else "mentee"
                ClosingSurvey.objects.create(
                    mentorship=pair, person=person, role=role, recommend_score=row.closing
                )
        row.people = [mentor, mentee]
    return cohort
