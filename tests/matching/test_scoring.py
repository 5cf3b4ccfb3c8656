from __future__ import annotations

import numpy as np
import pytest

from matching.engine import ScoreSettings, default_weights, pair_breakdown, score_matrix
from matching.engine.scoring import FORMATS, score_block
from tests.matching.engine_factories import make_side


def two_by_two():
    mentees = make_side(
        [0, 1],
        seniority=[3, 6],
        department=[1, 2],
        languages=[[0], [1]],
        tz=[0.0, -5.0],
        meeting_format=[0, 1],
        interests=[[1, 2, 3, 4], [5]],
        answers={"goal": ([[0], [2]], 3)},
    )
    mentors = make_side(
        [2, 3],
        seniority=[5, 6],
        department=[1, 3],
        languages=[[0, 1], [2]],
        tz=[1.0, 7.0],
        meeting_format=[0, -1],
        expertise=[[1, 2, 9], [5, 6]],
        answers={"goal": ([[0], [1]], 3)},
        capacity=[1, 1],
    )
    return mentees, mentors


def test_hand_computed_scores_for_two_mentees_and_two_mentors():
    mentees, mentors = two_by_two()
    weights = {
        "expertise": 4,
        "seniority": 2,
        "department": 1,
        "language": 1,
        "timezone": 1,
        "format": 1,
        "q:goal": 0,
    }
    settings = ScoreSettings.for_format("one_to_one", weights)
    # Each weight is worth weight/10*100 points at full value.
    # mentee 0 / mentor 0: expertise 2 of 4 interests -> 0.5*40=20; gap 2 -> 20;
    # same department (program wants different) -> 0; share language 0 -> 10;
    # 1 hour apart -> (1-1/12)*10 = 9.1666..; same format -> 10. Total 69.1666.. -> 69.17
    # mentee 0 / mentor 1: 0 + gap 3 -> 0.875*20=17.5 + 10 + 0 + 7h -> 4.1666.. + 10 = 41.67
    # mentee 1 / mentor 0: no shared tag -> 0; gap -1 -> 0; different departments -> 10;
    # shared language -> 10; 6 hours -> 5; different formats -> 0. Total 25
    # mentee 1 / mentor 1: 1 of 1 interest -> 40; gap 0 -> 0; 10; no shared language -> 0;
    # 12 hours -> 0; mentor has no format preference -> 10. Total 60
    expected = np.array([[6917, 4167], [2500, 6000]])
    assert np.array_equal(score_matrix(mentees, mentors, settings), expected)


def test_breakdown_sums_to_the_score_to_the_cent():
    mentees, mentors = two_by_two()
    settings = ScoreSettings.for_format(
        "one_to_one",
        {
            "expertise": 4,
            "seniority": 2,
            "department": 1,
            "language": 1,
            "timezone": 1,
            "format": 1,
        },
    )
    breakdown = pair_breakdown(mentees, mentors, settings, np.array([0, 0]), np.array([0, 1]))
    assert breakdown.criteria == (
        "department",
        "expertise",
        "format",
        "language",
        "seniority",
        "timezone",
    )
    first = breakdown.as_dicts()[0]
    assert first == {
        "department": 0.0,
        "expertise": 20.0,
        "format": 10.0,
        "language": 10.0,
        "seniority": 20.0,
        "timezone": 9.17,
    }
    assert breakdown.score_cents.tolist() == [6917, 4167]
    assert breakdown.points_cents.sum(axis=1).tolist() == [6917, 4167]
    # 17.5 + 10 + 10 + 4.1666.. = 41.6666..: parts rounded on their own would give 41.67 as
    # well here, but the largest remainder keeps the sum exact in general.
    assert breakdown.as_dicts()[1]["timezone"] == 4.17


def test_choice_question_scores_same_answer_and_overlap():
    mentees = make_side([0, 1], answers={"topics": ([[0, 1], [3]], 4)})
    mentors = make_side([2, 3], answers={"topics": ([[1, 2], [3]], 4)}, capacity=[1, 1])
    settings = ScoreSettings.for_format("one_to_one", {"q:topics": 1})
    # Jaccard: {0,1} vs {1,2} -> 1/3; {3} vs {3} -> 1; no overlap -> 0.
    assert score_matrix(mentees, mentors, settings).tolist() == [[3333, 0], [0, 10000]]


def test_department_same_preference_and_unknown_department():
    mentees = make_side([0, 1], department=[4, -1])
    mentors = make_side([2, 3], department=[4, 5], capacity=[1, 1])
    same = ScoreSettings.for_format("group", {"department": 1}, department="same")
    different = ScoreSettings.for_format("group", {"department": 1}, department="different")
    assert score_matrix(mentees, mentors, same).tolist() == [[10000, 0], [0, 0]]
    assert score_matrix(mentees, mentors, different).tolist() == [[0, 10000], [0, 0]]


def test_seniority_directions():
    mentees = make_side([0], seniority=[5])
    mentors = make_side([1, 2, 3, 4, 5], seniority=[4, 5, 6, 7, 10], capacity=[1] * 5)
    senior = ScoreSettings.for_format("one_to_one", {"seniority": 1})
    junior = ScoreSettings.for_format("reverse", {"seniority": 1})
    close = ScoreSettings.for_format("peer", {"seniority": 1})
    assert score_matrix(mentees, mentors, senior).tolist() == [[0, 0, 10000, 10000, 6250]]
    assert score_matrix(mentees, mentors, junior).tolist() == [[10000, 0, 0, 0, 0]]
    assert score_matrix(mentees, mentors, close).tolist() == [[10000, 10000, 10000, 8750, 5000]]


def test_timezone_wraps_around_the_date_line_and_unknown_scores_nothing():
    mentees = make_side([0, 1], tz=[-11.0, float("nan")])
    mentors = make_side([2], tz=[13.0], capacity=[1])
    settings = ScoreSettings.for_format("one_to_one", {"timezone": 1})
    assert score_matrix(mentees, mentors, settings).tolist() == [[10000], [0]]


def test_format_matches_when_equal_or_either_has_no_preference():
    mentees = make_side([0, 1], meeting_format=[1, -1])
    mentors = make_side([2, 3], meeting_format=[1, 2], capacity=[1, 1])
    settings = ScoreSettings.for_format("one_to_one", {"format": 1})
    assert score_matrix(mentees, mentors, settings).tolist() == [[10000, 0], [10000, 10000]]


def test_mutual_expertise_makes_peer_scores_symmetric():
    rng = np.random.default_rng(3)
    n = 30
    pool = make_side(
        list(range(n)),
        seniority=rng.integers(1, 11, n),
        department=rng.integers(0, 3, n),
        languages=[rng.choice(4, 2, replace=False) for _ in range(n)],
        tz=rng.choice([-5.0, 0.0, 5.5], n),
        meeting_format=rng.integers(-1, 3, n),
        interests=[rng.choice(10, 3, replace=False) for _ in range(n)],
        expertise=[rng.choice(10, 4, replace=False) for _ in range(n)],
    )
    cents = score_matrix(pool, pool, ScoreSettings.for_format("peer"))
    assert np.array_equal(cents, cents.T)


def test_block_scores_equal_pair_breakdowns_bit_for_bit():
    rng = np.random.default_rng(7)
    n, m = 40, 25
    common = {
        "languages": lambda k: [rng.choice(4, rng.integers(0, 3), replace=False) for _ in range(k)],
        "tags": lambda k: [rng.choice(10, rng.integers(0, 5), replace=False) for _ in range(k)],
    }
    mentees = make_side(
        list(range(n)),
        seniority=rng.integers(1, 11, n),
        department=rng.integers(-1, 4, n),
        languages=common["languages"](n),
        tz=rng.uniform(-12, 14, n),
        meeting_format=rng.integers(-1, 3, n),
        interests=common["tags"](n),
        answers={"q": ([rng.choice(5, rng.integers(0, 3), replace=False) for _ in range(n)], 5)},
    )
    mentors = make_side(
        list(range(n, n + m)),
        seniority=rng.integers(1, 11, m),
        department=rng.integers(-1, 4, m),
        languages=common["languages"](m),
        tz=rng.uniform(-12, 14, m),
        meeting_format=rng.integers(-1, 3, m),
        expertise=common["tags"](m),
        answers={"q": ([rng.choice(5, rng.integers(0, 3), replace=False) for _ in range(m)], 5)},
        capacity=[1] * m,
    )
    weights = default_weights("one_to_one") | {"q:q": 7.5}
    settings = ScoreSettings.for_format("one_to_one", weights)
    cents = score_matrix(mentees, mentors, settings)
    rows, cols = np.meshgrid(np.arange(n), np.arange(m), indexing="ij")
    breakdown = pair_breakdown(mentees, mentors, settings, rows.ravel(), cols.ravel())
    assert np.array_equal(breakdown.score_cents, cents.ravel())
    assert np.array_equal(breakdown.points_cents.sum(axis=1), cents.ravel())
    assert cents.min() >= 0 and cents.max() <= 10000
    assert np.array_equal(score_block(mentees, mentors, settings, slice(5, 9)), cents[5:9])


def test_weights_are_normalised_so_only_their_ratio_matters():
    mentees, mentors = two_by_two()
    a = ScoreSettings.for_format("one_to_one", {"expertise": 1, "language": 1})
    b = ScoreSettings.for_format("one_to_one", {"expertise": 50, "language": 50, "format": 0})
    assert np.array_equal(score_matrix(mentees, mentors, a), score_matrix(mentees, mentors, b))


def test_all_zero_weights_score_zero():
    mentees, mentors = two_by_two()
    settings = ScoreSettings.for_format("one_to_one", {"expertise": 0})
    assert not score_matrix(mentees, mentors, settings).any()
    assert pair_breakdown(mentees, mentors, settings, np.array([0]), np.array([1])).criteria == ()


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_has_default_weights(fmt):
    weights = default_weights(fmt)
    assert weights and all(w > 0 for w in weights.values())
    ScoreSettings.for_format(fmt)


@pytest.mark.parametrize(
    "weights", [{"charisma": 1}, {"expertise": -1}, {"q:": 1}, {"expertise": float("nan")}]
)
def test_bad_weights_are_refused(weights):
    with pytest.raises(ValueError):
        ScoreSettings(weights=weights)


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        default_weights("speed_dating")
