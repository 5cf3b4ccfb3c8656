"""Match quality from the database: pairs formed from scored proposals, their pulse answers."""

from __future__ import annotations

import random

import pytest

from matching.models import MatchRun, Proposal
from programs.models import Enrolment
from relationships.models import Mentorship, PulseAnswer
from reports.pulse import match_validity
from reports.selectors import ReportFilters
from reports.validity import NONE, POSITIVE, TOO_FEW
from tests.factories import CohortFactory, PersonFactory, ProgramFactory, UserFactory


def build(ratings_of, n: int = 20, source: str = "matching"):
    """n pairs, pair i scored i / n, both people rating it ratings_of(i / n)."""
    cohort = CohortFactory(program=ProgramFactory(), status="active")
    run = MatchRun.objects.create(cohort=cohort)
    for i in range(n):
        mentor, mentee = (PersonFactory(user=UserFactory(), department="Eng") for _ in range(2))
        enrolments = [
            Enrolment.objects.create(cohort=cohort, person=p, role=r, status="approved")
            for p, r in ((mentor, "mentor"), (mentee, "mentee"))
        ]
        pair = Mentorship.objects.create(
            cohort=cohort, mentor=mentor, status="active", source=source
        )
        pair.mentees.set([mentee])
        Proposal.objects.create(
            run=run, mentor=enrolments[0], mentee=enrolments[1], score=i / n, mentorship=pair
        )
        for person in (mentor, mentee):
            PulseAnswer.objects.create(
                mentorship=pair, person=person, round=0, rating=ratings_of(i / n)
            )
    return cohort


@pytest.mark.django_db
def test_a_score_that_predicts_the_pulse_shows_it_and_noise_does_not():
    rng = random.Random(3)
    good = build(lambda s: min(5, max(1, round(1 + 4 * s + rng.gauss(0, 0.5)))))
    result = match_validity(ReportFilters(cohort=good), k=5)
    assert (result.validity.verdict, result.validity.n, result.people) == (POSITIVE, 20, 40)
    assert result.values()["ci95_low"] > 0
    # Ratings that go up and down whatever the score: 3, 5, 1, 4, 2, over and over.
    noise = build(lambda s: (3, 5, 1, 4, 2)[round(s * 20) % 5])
    result = match_validity(ReportFilters(cohort=noise), k=5)
    assert result.validity.verdict == NONE


@pytest.mark.django_db
def test_few_pairs_or_few_people_is_too_few_to_tell():
    small = build(lambda s: 1 + round(4 * s), n=6)
    result = match_validity(ReportFilters(cohort=small), k=5)
    assert result.validity.verdict == TOO_FEW
    assert "Too few pairs" in result.verdict
    # Enough pairs, but a threshold above the people behind them: too few as well.
    enough = build(lambda s: 1 + round(4 * s), n=12)
    assert match_validity(ReportFilters(cohort=enough), k=30).validity.verdict == TOO_FEW


@pytest.mark.django_db
def test_pairs_compared_by_where_they_came_from_with_suppression():
    cohort = build(lambda s: 4, n=6, source="matching")
    other = build(lambda s: 2, n=2, source="manual")
    Mentorship.objects.filter(cohort=other).update(cohort=cohort)
    result = match_validity(ReportFilters(cohort=cohort), k=5)
    by = {label: result.source_values(stats) for label, stats in result.by_source}
    # By hand: two pairs, four people; hidden, and the optimiser's hidden to cover it.
    assert by["Set up by a coordinator"]["average"] == "fewer than 5"
    assert by["Matching"]["average"] == "fewer than 5"
    result = match_validity(ReportFilters(cohort=cohort), k=4)
    by = {label: result.source_values(stats) for label, stats in result.by_source}
    assert by["Matching"] == {"pairs": 6, "average": 4.0}
    assert by["Set up by a coordinator"] == {"pairs": 2, "average": 2.0}
