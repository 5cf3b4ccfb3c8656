from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.engine import (
    ConstraintSettings,
    Directory,
    ScoreSettings,
    feasibility_mask,
    match_bipartite,
    match_peer,
    pair_violations,
)
from matching.engine.constraints import in_reporting_chain
from tests.matching.engine_factories import make_side

# Reporting tree used below (index: person):
#   0 CEO
#   +-- 1 VP            +-- 2 VP
#       +-- 3 director      +-- 6 manager
#           +-- 4 manager       +-- 7 engineer
#               +-- 5 engineer
MANAGER = np.array([-1, 0, 0, 1, 3, 4, 2, 6])


def directory() -> Directory:
    return Directory(MANAGER)


def test_reporting_chain_blocks_every_depth_in_both_directions():
    d = directory()
    # 5's chain upwards: 4 (depth 1), 3 (2), 1 (3), 0 (4); and the same pairs reversed.
    for boss in (4, 3, 1, 0):
        assert in_reporting_chain(d, np.array([5]), np.array([boss]))[0]
        assert in_reporting_chain(d, np.array([boss]), np.array([5]))[0]
    # Same organisation, other branch: not in each other's chain.
    for other in (2, 6, 7):
        assert not in_reporting_chain(d, np.array([5]), np.array([other]))[0]
    assert not in_reporting_chain(d, np.array([4]), np.array([7]))[0]


def test_mask_excludes_self_and_whole_chain_but_allows_other_branches():
    mentees = make_side([5, 7, 3])
    mentors = make_side([0, 1, 2, 3, 6, 4], capacity=[1] * 6)
    mask = feasibility_mask(mentees, mentors, directory())
    assert mask.tolist() == [
        [False, False, True, False, True, False],  # 5: above it 0, 1, 3, 4
        [False, True, False, True, False, True],  # 7: above it 0, 2, 6
        [False, False, True, False, True, False],  # 3: 0, 1 above, itself, 4 below
    ]


def test_chains_deeper_than_the_recursion_limit():
    n = 20000
    manager = np.arange(-1, n - 1)  # one long line: person k reports to k - 1
    d = Directory(manager)
    assert in_reporting_chain(d, np.array([n - 1]), np.array([0]))[0]
    assert in_reporting_chain(d, np.array([0]), np.array([n - 1]))[0]


@pytest.mark.parametrize("manager", [[1, 0], [0], [-1, 2, 3, 1], [-1, 5], [-2, -1]], ids=str)
def test_cycles_and_bad_manager_indices_are_refused(manager):
    with pytest.raises(ValueError):
        Directory(np.array(manager))


def test_optional_filters():
    mentees = make_side([5, 7], department=[1, 2], tz=[0.0, -8.0])
    mentors = make_side([2, 6], department=[1, 3], tz=[2.0, 9.0], capacity=[1, 1])
    d = Directory(np.array([-1, 0, 0, 1, 3, 4, 0, 1]))  # 5 is under 1; 2, 6, 7 top-level reports
    assert feasibility_mask(mentees, mentors, d).all()
    tz = feasibility_mask(mentees, mentors, d, ConstraintSettings(max_tz_gap_hours=3))
    # 0 vs 9 is 9 hours; -8 vs 9 wraps to 7 hours; -8 vs 2 is 10 hours.
    assert tz.tolist() == [[True, False], [False, False]]
    dept = feasibility_mask(mentees, mentors, d, ConstraintSettings(exclude_same_department=True))
    assert dept.tolist() == [[False, True], [True, True]]
    peers = Directory(np.array([-1, 0, 0, 0, 1]))  # 2 and 3 share manager 0; 4 reports to 1
    mentee, two_mentors = make_side([3]), make_side([2, 4], capacity=[1, 1])
    assert feasibility_mask(mentee, two_mentors, peers).tolist() == [[True, True]]
    same_boss = ConstraintSettings(exclude_same_manager=True)
    assert feasibility_mask(mentee, two_mentors, peers, same_boss).tolist() == [[False, True]]


def test_forbidden_and_earlier_pairs_are_excluded_and_named():
    mentees = make_side([5, 7])
    mentors = make_side([2, 6], capacity=[1, 1])
    d = Directory(np.array([-1, 0, 0, 1, 3, 4, 0, 0]))
    mask = feasibility_mask(mentees, mentors, d, forbidden=[(5, 2)], earlier=[(7, 6)])
    assert mask.tolist() == [[False, True], [True, False]]
    assert pair_violations(mentees, mentors, d, 0, 0, forbidden=[(5, 2)]) == ["forbidden"]
    assert pair_violations(mentees, mentors, d, 1, 1, earlier=[(7, 6)]) == ["earlier_pair"]
    assert pair_violations(mentees, mentors, d, 0, 1) == []


def test_unknown_time_zone_is_not_excluded_by_a_gap_limit():
    mentees = make_side([1], tz=[float("nan")])
    mentors = make_side([2], tz=[5.0], capacity=[1])
    d = Directory(np.array([-1, 0, 0]))
    assert feasibility_mask(mentees, mentors, d, ConstraintSettings(max_tz_gap_hours=1)).all()


def test_peer_forbidden_pairs_apply_both_ways():
    pool = make_side([5, 6, 7])
    d = Directory(np.array([-1, 0, 0, 1, 3, 4, 0, 0]))
    mask = feasibility_mask(pool, pool, d, forbidden=[(5, 7)], symmetric=True)
    assert not mask[0, 2] and not mask[2, 0]
    assert np.array_equal(mask, mask.T) and not mask.diagonal().any()


def test_a_person_twice_on_one_side_is_refused():
    with pytest.raises(ValueError, match="twice"):
        feasibility_mask(
            make_side([1, 1]),
            make_side([2], capacity=[1]),
            Directory([-1, 0, 0]),
            forbidden=[(1, 2)],
        )


def test_pipeline_never_pairs_a_mentee_with_their_chain_and_keeps_locks():
    d = directory()
    mentees = make_side([5, 7], seniority=[1, 1], interests=[[1], [1]])
    mentors = make_side(
        [4, 6, 1, 2], seniority=[3, 3, 3, 3], expertise=[[1], [1], [1], [1]], capacity=[1, 1, 1, 1]
    )
    result = match_bipartite(
        mentees, mentors, d, ScoreSettings.for_format("one_to_one"), locked=[(7, 1)]
    )
    rows, cols = result.solution.pairs()
    pairs = {
        (int(mentees.person[i]), int(mentors.person[j])) for i, j in zip(rows, cols, strict=True)
    }
    assert (7, 1) in pairs
    assert all(not in_reporting_chain(d, np.array([a]), np.array([b]))[0] for a, b in pairs)
    assert result.breakdown.score_cents.tolist() == result.cents[rows, cols].tolist()
    with pytest.raises(ValueError, match="reporting_chain"):
        match_bipartite(
            mentees, mentors, d, ScoreSettings.for_format("one_to_one"), locked=[(5, 4)]
        )


def test_peer_pipeline_pairs_within_the_pool():
    d = Directory(np.array([-1, 0, 0, 0, 0, 0]))
    pool = make_side([1, 2, 3, 4], interests=[[1], [2], [1], [2]], expertise=[[2], [1], [2], [1]])
    result = match_peer(pool, d, ScoreSettings.for_format("peer"), locked=[(1, 4)])
    assert result.solution.mentor_of.tolist() == [3, 2, 1, 0]
    assert len(result.breakdown.score_cents) == 2


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 25).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.integers(-1, n - 1), min_size=n, max_size=n),
            st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True),
            st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=5),
            st.floats(0, 12) | st.none(),
        )
    )
)
def test_mask_agrees_with_a_slow_definition(case):
    _n, raw_manager, mentee_people, mentor_people, forbidden, gap = case
    # Force a forest: a manager must come earlier in the list.
    manager = np.array([m if m < i else -1 for i, m in enumerate(raw_manager)])
    d = Directory(manager)
    rng = np.random.default_rng(len(mentee_people))
    mentees = make_side(
        mentee_people,
        tz=rng.choice([-5.0, 0.0, 3.0, 9.0], len(mentee_people)),
        department=rng.integers(0, 3, len(mentee_people)),
    )
    mentors = make_side(
        mentor_people,
        tz=rng.choice([-5.0, 0.0, 3.0, 9.0], len(mentor_people)),
        department=rng.integers(0, 3, len(mentor_people)),
        capacity=[1] * len(mentor_people),
    )
    cs = ConstraintSettings(
        max_tz_gap_hours=gap, exclude_same_department=True, exclude_same_manager=True
    )
    mask = feasibility_mask(mentees, mentors, d, cs, forbidden=forbidden)

    def chain(p):
        out = set()
        while p >= 0:
            out.add(p)
            p = manager[p]
        return out

    for i, a in enumerate(mentee_people):
        for j, b in enumerate(mentor_people):
            tz_gap = abs(mentees.tz_offset[i] - mentors.tz_offset[j])
            tz_gap = min(tz_gap, 24 - tz_gap)
            expected = (
                a != b
                and a not in chain(b)
                and b not in chain(a)
                and (gap is None or tz_gap <= gap)
                and mentees.department[i] != mentors.department[j]
                and not (manager[a] >= 0 and manager[a] == manager[b])
                and (a, b) not in forbidden
            )
            assert mask[i, j] == expected
