"""The match-quality check claims a relationship only when the data show one."""

from __future__ import annotations

import random

import pytest

from reports.validity import (
    LOWER,
    MIN_PAIRS,
    NEGATIVE,
    NONE,
    POSITIVE,
    RAISE,
    SLIGHT,
    TOO_FEW,
    Sample,
    Validity,
    correlation,
    correlations,
    score_predicts_rating,
    suggest_weight,
    z_for,
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


def test_hand_computed_completion():
    """Ten ended pairs, scores 1 to 10; closed early: scores 1, 2, 3, 4, 6; completed: 5, 7, 8,
    9, 10. Ranks of the outcome (tied): 3 for closed, 8 for completed; both means 5.5.
    Sum of (x - 5.5)(y - 5.5) = 2.5 * (11.5 + 11.5) = 57.5; sum (x - 5.5)^2 = 82.5;
    sum (y - 5.5)^2 = 62.5; rho = 57.5 / sqrt(82.5 * 62.5) = 0.80076.
    z = atanh(rho) = 1.10072; se = sqrt((1 + rho^2 / 2) / 7) = 0.43435;
    95 %: tanh(1.10072 -/+ 1.95996 * 0.43435), that is 0.2444 to 0.9605."""
    closed = {1, 2, 3, 4, 6}
    pairs = [(score, 0 if score in closed else 1) for score in range(1, 11)]
    result = correlation(Sample(pairs, binary=True))
    assert result.rho == pytest.approx(0.800757, abs=1e-6)
    assert result.low == pytest.approx(0.2444, abs=1e-4)
    assert result.high == pytest.approx(0.9605, abs=1e-4)
    assert result.verdict == POSITIVE


def test_completion_needs_enough_pairs_on_each_side():
    # Twelve pairs, four closed early: however well they line up, too few closed to tell.
    pairs = [(score, int(score > 4)) for score in range(1, 13)]
    assert correlation(Sample(pairs, binary=True)).verdict == TOO_FEW
    assert correlation(Sample(pairs)).verdict == POSITIVE  # the same numbers as a rating


def test_hidden_is_too_few_whatever_the_numbers():
    pairs = [(i, 1 + i) for i in range(20)]
    assert correlation(Sample(pairs, hidden=True)).verdict == TOO_FEW


def test_many_questions_widen_every_interval():
    """18 questions (6 criteria, 3 outcomes): each at 1 - 0.05 / 18, z = 2.99132."""
    assert z_for(1) == pytest.approx(1.959964, abs=1e-6)
    assert z_for(18) == pytest.approx(2.991316, abs=1e-6)
    pairs = [(i, r) for i, r in enumerate([1, 2, 3, 4, 6, 5, 7, 8, 9, 10])]
    alone = correlation(Sample(pairs))
    samples = {n: Sample(pairs) for n in range(18)}
    together = correlations(samples)[0]
    assert together.rho == alone.rho
    assert together.low < alone.low and together.high > alone.high
    # tanh(2.54993 - 2.99132 * 0.46105) = tanh(1.17078) = 0.8245 (alone: 0.9283)
    assert together.low == pytest.approx(0.8245, abs=1e-4)


def test_among_noise_the_criteria_stay_quiet():
    rng = random.Random(4)
    samples = {
        (criterion, outcome): Sample([(rng.random(), rng.randint(1, 5)) for _ in range(30)])
        for criterion in range(6)
        for outcome in range(3)
    }
    verdicts = {v.verdict for v in correlations(samples).values()}
    assert verdicts == {NONE}


def test_clearly_slight_only_with_many_pairs():
    rng = random.Random(9)
    pairs = [(rng.random(), rng.random()) for _ in range(3000)]
    assert correlation(Sample(pairs), negligible=True).verdict == SLIGHT
    assert correlation(Sample(pairs[:200]), negligible=True).verdict == NONE


@pytest.mark.parametrize(
    ("weight", "verdicts", "expected"),
    [
        # Clearly slight: lowered only beside another criterion that clearly predicts (the
        # weights are shares: lowering every one alike would change nothing).
        (15, [SLIGHT, SLIGHT, TOO_FEW], None),
        (20, [POSITIVE, NONE, TOO_FEW], (20, 30, RAISE)),
        (15, [TOO_FEW, POSITIVE, SLIGHT], (15, 25, RAISE)),
        (40, [POSITIVE, POSITIVE, POSITIVE], (40, 60, RAISE)),
        (80, [POSITIVE], (80, 100, RAISE)),
        (20, [NEGATIVE, NONE, NONE], (20, 10, LOWER)),
        (5, [NEGATIVE], (5, 0, LOWER)),
        (100, [POSITIVE], None),  # already the most
        (0, [NEGATIVE], None),  # nothing to lower
        (20, [POSITIVE, NEGATIVE, NONE], None),  # mixed
        (20, [SLIGHT, NONE, TOO_FEW], None),  # one unclear
        (20, [NONE, NONE, NONE], None),
        (20, [TOO_FEW, TOO_FEW, TOO_FEW], None),
    ],
)
def test_weight_suggestions(weight, verdicts, expected):
    change = suggest_weight("language", weight, [found(v) for v in verdicts], most=100)
    if expected is None:
        assert change is None
    else:
        assert (change.current, change.suggested, change.direction) == expected


def found(verdict: str, rho: float | None = None) -> Validity:
    """A finding over 30 pairs with that verdict (a correlation of 0.4 either way if clear)."""
    if rho is None:
        rho = {POSITIVE: 0.4, NEGATIVE: -0.4, TOO_FEW: None}.get(verdict, 0.0)
    return Validity(30, rho, None, None, verdict)


def test_a_clearly_slight_criterion_is_lowered_beside_one_that_predicts():
    slight = [found(SLIGHT), found(SLIGHT), found(TOO_FEW)]
    change = suggest_weight("format", 15, slight, most=100, another_predicts=True)
    assert (change.current, change.suggested, change.direction) == (15, 10, LOWER)
    unclear = [found(SLIGHT), found(NONE)]
    assert suggest_weight("format", 15, unclear, most=100, another_predicts=True) is None


def test_a_tiny_correlation_told_from_zero_moves_no_weight():
    """Thousands of pairs can tell 0.05 from zero; that is still no reason to move a weight."""
    assert suggest_weight("language", 20, [found(POSITIVE, 0.05)], most=100) is None
    assert suggest_weight("language", 20, [found(NEGATIVE, -0.06)], most=100) is None
    assert suggest_weight("language", 20, [found(POSITIVE, 0.1)], most=100).suggested == 30
