"""The match-quality check claims a relationship only when the data show one."""

from __future__ import annotations

import random

import pytest

from reports.validity import (
    MIN_PAIRS,
    NEGATIVE,
    NONE,
    POSITIVE,
    TOO_FEW,
    score_predicts_rating,
)


def test_a_score_that_truly_predicts_satisfaction_shows_a_positive_relationship():
    rng = random.Random(7)
    pairs = []
    for i in range(40):
        score = i / 40
        rating = min(5, max(1, round(1 + 4 * score + rng.gauss(0, 0.6))))
        pairs.append((score, rating))
    result = score_predicts_rating(pairs)
    assert result.verdict == POSITIVE
    assert result.n == 40
    assert 0 < result.low < result.rho < result.high <= 1


def test_noise_shows_no_relationship():
    rng = random.Random(11)
    pairs = [(rng.random(), rng.randint(1, 5)) for _ in range(40)]
    result = score_predicts_rating(pairs)
    assert result.verdict == NONE
    assert result.low < 0 < result.high


def test_a_score_that_predicts_the_opposite_is_said_so():
    pairs = [(i, 5 - i // 3) for i in range(12)]
    assert score_predicts_rating(pairs).verdict == NEGATIVE


def test_too_few_pairs_to_tell_even_when_they_line_up():
    pairs = [(i, 1 + i) for i in range(MIN_PAIRS - 1)]
    result = score_predicts_rating(pairs)
    assert (result.verdict, result.rho, result.n) == (TOO_FEW, None, MIN_PAIRS - 1)


def test_hand_computed_interval():
    """Ten pairs ranked the same by score and rating but for one swap of neighbours:
    rho = 1 - 6 * 2 / (10 * 99) = 0.98788; z = atanh(rho) = 2.54993;
    se = sqrt((1 + rho^2 / 2) / 7) = 0.46105; 95 %: tanh(2.54993 -/+ 1.95996 * 0.46105),
    that is 0.9283 to 0.9980."""
    pairs = [(i, r) for i, r in enumerate([1, 2, 3, 4, 6, 5, 7, 8, 9, 10])]
    result = score_predicts_rating(pairs)
    assert result.rho == pytest.approx(0.987879, abs=1e-6)
    assert result.low == pytest.approx(0.9283, abs=1e-4)
    assert result.high == pytest.approx(0.9980, abs=1e-4)
    assert result.verdict == POSITIVE


def test_everyone_scored_alike_is_no_relationship_not_an_error():
    assert score_predicts_rating([(0.5, r % 5 + 1) for r in range(12)]).verdict == NONE
