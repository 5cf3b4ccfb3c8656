"""Why a mentee has no mentor, counted by the engine: hand-computed fixtures."""

from __future__ import annotations

import numpy as np
import pytest

from matching.engine import ConstraintSettings, Directory, feasibility_mask
from matching.engine.why_not import CAPACITY, Change, rule_exclusions, why_not
from tests.matching.engine_factories import make_side

# Mentor column j is person j. Person 1 manages person 0 (the first mentee); person 11 is a
# second mentee from another department, outside every reporting line.
#                 p0  p1  p2  p3  p4  p5  p6  p7  p8  p9  p10
CAPACITY_LEFT = [1, 1, 1, 1, 0, 2, 1, 0, 0, 1, 1]
TZ = [0, 0, 9, 7, -7, 0, 8, 0, 0, 0, 6.5]
DEPARTMENT = [0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1]
SETTINGS = ConstraintSettings(max_tz_gap_hours=6, exclude_same_department=True)
FORBIDDEN = [(0, 9)]


@pytest.fixture
def sides():
    mentees = make_side([0, 11], tz=[0, 0], department=[0, 2])
    mentors = make_side(list(range(11)), tz=TZ, department=DEPARTMENT, capacity=CAPACITY_LEFT)
    manager = np.full(12, -1)
    manager[0] = 1
    return mentees, mentors, Directory(manager)


def explain(sides, rows=(0, 1), cents=None):
    mentees, mentors, directory = sides
    return why_not(
        mentees,
        mentors,
        directory,
        np.array(rows),
        np.array(CAPACITY_LEFT),
        SETTINGS,
        forbidden=FORBIDDEN,
        cents=cents,
    )


def test_each_rule_counts_the_mentors_it_excludes_and_the_mentee_is_no_candidate(sides):
    first, second = explain(sides)
    # p0 is the first mentee themself; p6 is both too far and in the same department.
    assert first.candidates == 10
    assert first.excluded == {
        "reporting_chain": 1,  # p1, the manager
        "timezone_gap": 5,  # p2 (9 h), p3 (7), p4 (7), p6 (8), p10 (6.5)
        "same_department": 2,  # p5, p6
        "forbidden": 1,  # p9
    }
    assert (first.passing, first.full, first.available) == (2, 2, 0)  # p7, p8: no place left
    assert second.candidates == 11
    assert second.excluded == {"timezone_gap": 5}
    # p0, p1, p5, p9 have a place; p7 and p8 are full.
    assert (second.passing, second.full, second.available) == (6, 2, 4)


def test_the_single_changes_that_give_a_mentor_most_mentors_first(sides):
    first, _second = explain(sides)
    assert first.changes == (
        # p3 (7 h) and p10 (6.5 h, so 7 whole hours); p2 needs 9, p4 is full, p6 also same dept.
        Change("timezone_gap", 2, hours=7),
        Change("same_department", 1),  # p5; p6 is also too far
        Change("forbidden", 1, mentors=(9,)),
        Change(CAPACITY, 1, mentors=(7, 8)),
    )


def test_a_place_for_the_best_scoring_full_mentor_is_named_first(sides):
    cents = np.zeros((2, 11), dtype=np.int32)
    cents[0, 8] = 9000
    cents[0, 7] = 100
    first, _second = explain(sides, cents=cents)
    assert first.changes[-1] == Change(CAPACITY, 1, mentors=(8, 7))


def test_no_change_offered_when_only_the_reporting_chain_or_two_rules_hold_back(sides):
    mentees, _mentors, directory = sides
    # Only p1 (the manager) and p6 (too far and same department) are mentors here.
    only = make_side([1, 6], tz=[0, 8], department=[1, 0], capacity=[1, 1])
    [result] = why_not(mentees, only, directory, np.array([0]), np.array([1, 1]), SETTINGS)
    assert result.excluded == {"reporting_chain": 1, "timezone_gap": 1, "same_department": 1}
    assert result.passing == 0
    assert result.changes == ()


def test_rule_exclusions_together_are_the_feasibility_mask(sides):
    mentees, mentors, directory = sides
    excluded = rule_exclusions(
        mentees, mentors, directory, np.array([0, 1]), SETTINGS, forbidden=FORBIDDEN
    )
    blocked = np.logical_or.reduce(list(excluded.values()))
    mask = feasibility_mask(mentees, mentors, directory, SETTINGS, forbidden=FORBIDDEN)
    assert np.array_equal(~blocked, mask)


def test_in_a_peer_pool_a_rejected_pair_counts_whichever_way_round_it_was_recorded():
    pool = make_side([0, 1, 2], tz=[0, 0, 0])
    directory = Directory(np.full(3, -1))
    first, _second, third = why_not(
        pool, pool, directory, np.arange(3), np.array([1, 1, 0]), forbidden=[(1, 0)], symmetric=True
    )
    assert first.excluded == {"forbidden": 1}  # recorded as (1, 0)
    assert (first.candidates, first.passing, first.full) == (2, 1, 1)  # 2 is paired already
    assert first.changes == (
        Change("forbidden", 1, mentors=(1,)),
        Change(CAPACITY, 1, mentors=(2,)),
    )
    assert third.excluded == {} and third.available == 2
