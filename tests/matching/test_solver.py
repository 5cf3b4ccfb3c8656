from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.engine import CAPACITY_USED, NO_FEASIBLE_MENTOR, solve_bipartite, solve_peer


def brute_force_bipartite(cents, mask, capacity, locked=()):
    """Best (matched count, total cents) over every assignment of mentees to mentors."""
    n, m = cents.shape
    locked = dict(locked)
    choices = [
        [locked[i]] if i in locked else [-1] + [j for j in range(m) if mask[i, j]] for i in range(n)
    ]
    best = (-1, -1)
    for combo in itertools.product(*choices):
        load = np.bincount([j for j in combo if j >= 0], minlength=m)
        if (load > capacity).any():
            continue
        matched = [(i, j) for i, j in enumerate(combo) if j >= 0]
        best = max(best, (len(matched), sum(int(cents[i, j]) for i, j in matched)))
    return best


def brute_force_peer(cents, mask):
    n = len(cents)

    def best(free):
        if not free:
            return (0, 0)
        first, rest = free[0], free[1:]
        result = best(rest)  # first stays unpaired
        for k, other in enumerate(rest):
            if mask[first, other]:
                count, total = best(rest[:k] + rest[k + 1 :])
                result = max(result, (count + 1, total + int(cents[first, other])))
        return result

    return best(tuple(range(n)))


def random_instance(rng, n, m, density=0.6, max_cap=3, ties=False):
    high = 4 if ties else 10001
    cents = rng.integers(0, high, size=(n, m)).astype(np.int32)
    if ties:
        cents *= 2500
    mask = rng.random((n, m)) < density
    capacity = rng.integers(0, max_cap + 1, size=m)
    return cents, mask, capacity


def check_valid(solution, mask, capacity, locked=()):
    rows, cols = solution.pairs()
    assert mask[rows, cols].all()
    assert (np.bincount(cols, minlength=len(capacity)) <= capacity).all()
    for i, j in locked:
        assert solution.mentor_of[i] == j


@pytest.mark.parametrize("method", ["auto", "sparse", "dense"])
def test_bipartite_equals_brute_force_on_small_random_instances(method):
    rng = np.random.default_rng(11)
    for trial in range(150):
        n, m = int(rng.integers(1, 7)), int(rng.integers(1, 5))
        cents, mask, capacity = random_instance(rng, n, m, ties=trial % 3 == 0)
        # top_k=1 forces the sparse path to earn its answer through dual-driven rounds.
        kwargs = {"top_k": 1} if method == "sparse" else {}
        solution = solve_bipartite(cents, mask, capacity, method=method, **kwargs)
        check_valid(solution, mask, capacity)
        expected = brute_force_bipartite(cents, mask, capacity)
        assert (solution.n_matched, solution.objective_cents) == expected, trial


def test_sparse_path_agrees_with_dense_on_mid_sized_instances():
    rng = np.random.default_rng(5)
    for _ in range(10):
        n, m = 300, 120
        cents, mask, capacity = random_instance(rng, n, m, density=0.3)
        capacity = rng.integers(1, 4, size=m)
        sparse = solve_bipartite(cents, mask, capacity, method="sparse", top_k=2)
        dense = solve_bipartite(cents, mask, capacity, method="dense")
        check_valid(sparse, mask, capacity)
        assert (sparse.n_matched, sparse.objective_cents) == (
            dense.n_matched,
            dense.objective_cents,
        )


def test_warm_start_from_any_previous_solution_equals_brute_force():
    rng = np.random.default_rng(23)
    for trial in range(150):
        n, m = int(rng.integers(1, 7)), int(rng.integers(1, 5))
        cents, mask, capacity = random_instance(rng, n, m, ties=trial % 3 == 0)
        # A previous run's pairs: some no longer allowed, some over capacity, some repeated.
        warm = np.stack([rng.integers(0, n, size=n), rng.integers(0, m, size=n)], axis=1)
        solution = solve_bipartite(cents, mask, capacity, method="sparse", top_k=1, warm=warm)
        check_valid(solution, mask, capacity)
        expected = brute_force_bipartite(cents, mask, capacity)
        assert (solution.n_matched, solution.objective_cents) == expected, trial


def test_proof_round_adds_the_pair_the_candidate_graph_left_out():
    # With one candidate per mentee, mentee 0 sees only mentor 1, and mentor 0's own best are
    # mentees 1 and 2: pair (0, 0), each side's worst, is not in the first graph. The optimum
    # needs it (1000 + 9000 + 6000 beats the graph's 4000 + 4000 + 6000), so the duals of the
    # first solve must flag it and a second solve take it.
    cents = np.array([[1000, 4000, 0], [4000, 9000, 6000], [3000, 9000, 6000]], dtype=np.int32)
    mask = np.ones((3, 3), dtype=bool)
    solution = solve_bipartite(cents, mask, np.ones(3, dtype=int), method="sparse", top_k=1)
    assert solution.mentor_of[0] == 0
    assert (solution.n_matched, solution.objective_cents) == (3, 16000)
    assert solution.rounds == 2


def test_a_mentor_with_room_for_everyone_takes_everyone():
    cents = np.arange(50, dtype=np.int32)[:, None].repeat(2, axis=1)
    mask = np.ones((50, 2), dtype=bool)
    solution = solve_bipartite(cents, mask, np.array([1000, 0]), method="sparse", top_k=1)
    assert solution.mentor_of.tolist() == [0] * 50
    assert solution.objective_cents == int(cents[:, 0].sum())


def test_all_tied_scores_across_row_chunks_are_exact_and_deterministic():
    # Every usable pair scores the same, so every cut ties with thousands of pairs; the
    # mentees span several chunks of rows, and a mentor's best come from all of them.
    rng = np.random.default_rng(4)
    cents = np.full((2500, 40), 5000, dtype=np.int32)
    mask = rng.random((2500, 40)) < 0.05
    capacity = rng.integers(1, 40, size=40)
    first = solve_bipartite(cents, mask, capacity, method="sparse")
    dense = solve_bipartite(cents, mask, capacity, method="dense")
    check_valid(first, mask, capacity)
    assert (first.n_matched, first.objective_cents) == (dense.n_matched, dense.objective_cents)
    again = solve_bipartite(cents.copy(), mask.copy(), capacity.copy(), method="sparse")
    assert np.array_equal(first.mentor_of, again.mentor_of)
    assert first.unmatched == again.unmatched


def test_a_previous_solution_still_optimal_is_kept_without_solving():
    rng = np.random.default_rng(7)
    cents, mask, capacity = random_instance(rng, 300, 120, density=0.3)
    capacity = rng.integers(1, 4, size=120)
    cold = solve_bipartite(cents, mask, capacity)
    rows, cols = cold.pairs()
    warm = solve_bipartite(cents, mask, capacity, warm=np.stack([rows, cols], axis=1))
    assert warm.method == "warm"
    assert np.array_equal(warm.mentor_of, cold.mentor_of)
    # One pair now forbidden: the previous solution is repaired, and still exact.
    mask[rows[0], cols[0]] = False
    repaired = solve_bipartite(cents, mask, capacity, warm=np.stack([rows, cols], axis=1))
    dense = solve_bipartite(cents, mask, capacity, method="dense")
    assert repaired.method == "sparse"
    check_valid(repaired, mask, capacity)
    assert (repaired.n_matched, repaired.objective_cents) == (
        dense.n_matched,
        dense.objective_cents,
    )


def test_matching_more_mentees_beats_any_score_gain():
    # Mentee 0 could take the one great pair, leaving mentee 1 alone; two weak pairs win.
    cents = np.array([[10000, 1], [10000, 0]], dtype=np.int32)
    mask = np.array([[True, True], [True, False]])
    solution = solve_bipartite(cents, mask, np.array([1, 1]))
    assert solution.mentor_of.tolist() == [1, 0]
    assert solution.objective_cents == 10001


def test_locked_pairs_stay_and_use_capacity():
    cents = np.array([[100, 9000], [9000, 100], [5000, 5000]], dtype=np.int32)
    mask = np.ones((3, 2), dtype=bool)
    locked = [(0, 0)]
    solution = solve_bipartite(cents, mask, np.array([1, 1]), locked)
    check_valid(solution, mask, np.array([1, 1]), locked)
    assert solution.mentor_of.tolist()[0] == 0
    assert solution.n_matched == 2
    assert solution.objective_cents == brute_force_bipartite(cents, mask, [1, 1], locked)[1]


def test_locked_pairs_match_brute_force():
    rng = np.random.default_rng(21)
    for _ in range(60):
        n, m = int(rng.integers(2, 6)), int(rng.integers(1, 4))
        cents, mask, capacity = random_instance(rng, n, m)
        capacity = capacity + 1
        i = int(rng.integers(n))
        feasible = np.flatnonzero(mask[i])
        if not feasible.size:
            continue
        locked = [(i, int(feasible[0]))]
        solution = solve_bipartite(cents, mask, capacity, locked)
        check_valid(solution, mask, capacity, locked)
        expected = brute_force_bipartite(cents, mask, capacity, locked)
        assert (solution.n_matched, solution.objective_cents) == expected


@pytest.mark.parametrize(
    ("locked", "message"),
    [
        ([(0, 1)], "hard constraint"),
        ([(0, 0), (1, 0)], "capacity"),
        ([(0, 0), (0, 0)], "more than one"),
        ([(5, 0)], "outside"),
    ],
)
def test_impossible_locks_are_refused(locked, message):
    cents = np.zeros((2, 2), dtype=np.int32)
    mask = np.array([[True, False], [True, True]])
    with pytest.raises(ValueError, match=message):
        solve_bipartite(cents, mask, np.array([1, 1]), locked)


def test_unmatched_mentees_say_why_and_list_best_candidates():
    cents = np.array(
        [[9000, 8000, 7000, 6000], [9500, 100, 100, 9500], [5000, 5000, 5000, 5000], [1, 2, 3, 4]],
        dtype=np.int32,
    )
    mask = np.array(
        [
            [True, False, False, False],
            [True, False, False, True],
            [False] * 4,
            [False, False, False, True],
        ],
    )
    capacity = np.array([1, 1, 1, 1])
    solution = solve_bipartite(cents, mask, capacity)
    assert solution.mentor_of.tolist() == [0, 3, -1, -1]
    by_mentee = {u.mentee: u for u in solution.unmatched}
    assert by_mentee[2].reason == NO_FEASIBLE_MENTOR and by_mentee[2].candidates == ()
    assert by_mentee[3].reason == CAPACITY_USED and by_mentee[3].candidates == (3,)


def test_candidates_are_ranked_by_score_then_index():
    cents = np.tile(np.array([10, 50, 50, 40, 90], dtype=np.int32), (4, 1))
    mask = np.ones((4, 5), dtype=bool)
    capacity = np.array([0, 1, 1, 1, 0])
    solution = solve_bipartite(cents, mask, capacity, [(0, 1), (1, 2), (2, 3)])
    (left,) = solution.unmatched
    # Mentors 0 and 4 have no capacity, so they are no candidates; 1 and 2 tie on score.
    assert left.mentee == 3 and left.reason == CAPACITY_USED
    assert left.candidates == (1, 2, 3)


def test_zero_capacity_mentors_only_means_no_feasible_mentor():
    cents = np.ones((1, 2), dtype=np.int32)
    mask = np.ones((1, 2), dtype=bool)
    solution = solve_bipartite(cents, mask, np.array([0, 0]))
    assert solution.unmatched[0].reason == NO_FEASIBLE_MENTOR


def test_solution_is_deterministic_with_many_ties():
    rng = np.random.default_rng(2)
    cents = (rng.integers(0, 2, size=(400, 150)) * 5000).astype(np.int32)
    mask = rng.random((400, 150)) < 0.5
    capacity = rng.integers(1, 4, size=150)
    first = solve_bipartite(cents, mask, capacity)
    for _ in range(3):
        again = solve_bipartite(cents.copy(), mask.copy(), capacity.copy())
        assert np.array_equal(first.mentor_of, again.mentor_of)


def test_empty_blocks():
    solution = solve_bipartite(np.zeros((0, 3), dtype=np.int32), np.zeros((0, 3), bool), [1, 1, 1])
    assert solution.n_matched == 0 and solution.objective_cents == 0
    solution = solve_bipartite(np.zeros((2, 0), dtype=np.int32), np.zeros((2, 0), bool), [])
    assert [u.reason for u in solution.unmatched] == [NO_FEASIBLE_MENTOR] * 2


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 8).flatmap(
        lambda n: st.integers(1, 6).flatmap(
            lambda m: st.tuples(
                st.lists(
                    st.lists(st.integers(0, 10000), min_size=m, max_size=m), min_size=n, max_size=n
                ),
                st.lists(st.lists(st.booleans(), min_size=m, max_size=m), min_size=n, max_size=n),
                st.lists(st.integers(0, 3), min_size=m, max_size=m),
            )
        )
    )
)
def test_solutions_never_break_constraints(data):
    cents, mask, capacity = (np.array(x) for x in data)
    cents = cents.astype(np.int32)
    solution = solve_bipartite(cents, mask.astype(bool), capacity, method="sparse", top_k=1)
    check_valid(solution, mask.astype(bool), capacity)
    # Started from any previous pairs, allowed or not, the answer breaks nothing either.
    rows = np.arange(len(cents))
    warm = np.stack([rows, rows % len(capacity)], axis=1)
    warmed = solve_bipartite(cents, mask.astype(bool), capacity, method="sparse", warm=warm)
    check_valid(warmed, mask.astype(bool), capacity)
    assert warmed.objective_cents == solution.objective_cents
    assert solution.objective_cents == int(
        sum(cents[i, j] for i, j in zip(*solution.pairs(), strict=True))
    )
    unmatched = {u.mentee for u in solution.unmatched}
    assert unmatched == set(np.flatnonzero(solution.mentor_of < 0).tolist())


# --- peer ---------------------------------------------------------------------------------


def random_pool(rng, n, density=0.7, ties=False):
    cents = rng.integers(0, 4 if ties else 10001, size=(n, n))
    if ties:
        cents *= 2500
    cents = np.triu(cents, 1)
    cents = (cents + cents.T).astype(np.int32)
    mask = np.triu(rng.random((n, n)) < density, 1)
    return cents, mask | mask.T


def test_peer_equals_brute_force_on_small_pools():
    rng = np.random.default_rng(8)
    for trial in range(120):
        n = int(rng.integers(1, 11))
        cents, mask = random_pool(rng, n, ties=trial % 3 == 0)
        solution = solve_peer(cents, mask)
        partner = solution.mentor_of
        paired = np.flatnonzero(partner >= 0)
        assert np.array_equal(partner[partner[paired]], paired)
        assert mask[paired, partner[paired]].all()
        assert (solution.n_matched // 2, solution.objective_cents) == brute_force_peer(cents, mask)


def test_peer_prefers_more_pairs_over_one_great_pair():
    # 0-1 is the best pair, but taking it strands 2 and 3; 0-2 and 1-3 make two pairs.
    cents = np.array(
        [[0, 10000, 1, 0], [10000, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0]], dtype=np.int32
    )
    mask = cents > 0
    solution = solve_peer(cents, mask)
    assert solution.mentor_of.tolist() == [2, 3, 0, 1]
    assert solution.pairs()[0].tolist() == [0, 1]


def test_peer_locked_pairs_stay():
    rng = np.random.default_rng(4)
    cents, mask = random_pool(rng, 8, density=1.0)
    solution = solve_peer(cents, mask, [(0, 5)])
    assert solution.mentor_of[0] == 5 and solution.mentor_of[5] == 0
    rest = [i for i in range(8) if i not in (0, 5)]
    _count, total = brute_force_peer(cents[np.ix_(rest, rest)], mask[np.ix_(rest, rest)])
    assert solution.objective_cents == total + int(cents[0, 5])


def test_peer_refuses_asymmetric_input():
    cents = np.array([[0, 1], [2, 0]], dtype=np.int32)
    with pytest.raises(ValueError, match="symmetric"):
        solve_peer(cents, np.array([[False, True], [True, False]]))


def test_peer_odd_pool_leaves_one_with_a_reason():
    cents = np.full((3, 3), 5000, dtype=np.int32)
    mask = ~np.eye(3, dtype=bool)
    solution = solve_peer(cents, mask)
    assert solution.n_matched == 2
    (left,) = solution.unmatched
    assert left.reason == CAPACITY_USED and len(left.candidates) == 2
