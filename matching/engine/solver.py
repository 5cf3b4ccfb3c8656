"""Exact whole-cohort assignment: most mentees matched first, then the highest total score.

Both goals become one integer weight per pair, `BIG + cents` with `BIG` above any possible
sum of cents, so one more matched mentee always outweighs any score difference. Scores are
integer cents (see scoring.py), so every weight, sum and dual below is an exact integer and
no float tie can flip a decision between runs.

Bipartite (one-to-one, reverse, group) is a b-matching with mentor capacities:

- "sparse": solve on a candidate graph (each mentee's best few mentors plus each mentor's
  best few mentees) as a min-cost flow (OR-Tools), where a mentor's capacity is an arc's
  capacity, then prove the result optimal for the *whole* feasible graph with LP duals:
  if no left-out pair has positive reduced profit `w - u_mentee - v_mentor`, the
  candidate optimum is the global optimum. Otherwise the offending pairs join the graph
  and it is solved again. The duals are worked out here, exactly, from the solution
  (OR-Tools does not hand out its node potentials).
- "dense": SciPy's `linear_sum_assignment` on the capacity-expanded matrix. Slower and
  bigger, but needs no proof; "auto" falls back to it if the sparse proof does not close.

Peer pools are a general-graph matching, solved exactly by rustworkx's blossom algorithm.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from matching.engine.scoring import MAX_CENTS

NO_FEASIBLE_MENTOR = "no_feasible_mentor"
CAPACITY_USED = "capacity_used"
METHODS = ("auto", "sparse", "dense")
N_CANDIDATES = 3
DEFAULT_TOP_K = 8
DEFAULT_MAX_ROUNDS = 12
DEFAULT_MARGIN = 500  # cents
WARM_PROOF_ROUNDS = 4
_CHUNK_ROWS = 1024
_INF = np.int64(2**62)


class ProofFailedError(RuntimeError):
    """The sparse path could not prove optimality (only raised with method="sparse")."""


@dataclass(frozen=True)
class Unmatched:
    mentee: int
    reason: str  # NO_FEASIBLE_MENTOR or CAPACITY_USED
    candidates: tuple[int, ...]  # best feasible mentors (partners for peers), best first


@dataclass(frozen=True)
class Solution:
    """`mentor_of[i]` is mentee i's mentor (for peers: i's partner), -1 when unmatched."""

    mentor_of: np.ndarray
    objective_cents: int
    unmatched: tuple[Unmatched, ...]
    method: str
    rounds: int = 1

    @property
    def objective(self) -> float:
        return self.objective_cents / 100

    @property
    def n_matched(self) -> int:
        return int((self.mentor_of >= 0).sum())

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """(mentee_idx, mentor_idx) of every match, by mentee; peers appear once, low first."""
        rows = np.flatnonzero(self.mentor_of >= 0)
        cols = self.mentor_of[rows]
        if self.method == "peer":
            keep = rows < cols
            rows, cols = rows[keep], cols[keep]
        return rows, cols


def _as_index_pairs(pairs: Iterable[tuple[int, int]] | np.ndarray | None) -> np.ndarray:
    if pairs is None:
        return np.zeros((0, 2), dtype=np.int64)
    arr = np.asarray(list(pairs) if not isinstance(pairs, np.ndarray) else pairs, dtype=np.int64)
    if arr.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError("locked pairs must be (mentee_idx, mentor_idx) tuples")
    return arr


def _check_inputs(cents: np.ndarray, mask: np.ndarray) -> None:
    if cents.ndim != 2 or cents.shape != mask.shape:
        raise ValueError("cents and mask must be 2-D arrays of the same shape")
    if mask.dtype != bool:
        raise ValueError("mask must be boolean")
    if cents.size and (cents.min() < 0 or cents.max() > MAX_CENTS):
        raise ValueError(f"cents must lie in 0..{MAX_CENTS}")


def _best_candidates(
    cents: np.ndarray, usable: np.ndarray, rows: np.ndarray, k: int = N_CANDIDATES
) -> list[tuple[int, ...]]:
    """Top-k usable columns per row by score, ties to the lower index; fewer if fewer exist."""
    m = cents.shape[1]
    if m == 0 or not len(rows):
        return [() for _ in rows]
    k = min(k, m)
    found = []
    for start in range(0, len(rows), _CHUNK_ROWS):
        chunk = rows[start : start + _CHUNK_ROWS]
        values = np.where(usable[chunk], cents[chunk], -1)
        # The k-th best value is the cut; only the pairs at or above it are ranked.
        cut = np.maximum(np.partition(values, m - k, axis=1)[:, m - k], 0)
        r, c = np.nonzero(values >= cut[:, None])
        best_first = -values[r, c].astype(np.int64)
        rank = _rank_in_group(r, best_first, c)
        keep = rank < k
        r, c, rank = r[keep] + start, c[keep], rank[keep]
        order = np.lexsort((rank, r))
        found.append((r[order], c[order]))
    r, c = (np.concatenate(x) for x in zip(*found, strict=True))
    bounds = np.searchsorted(r, np.arange(len(rows) + 1))
    cols = c.tolist()
    return [
        tuple(cols[a:b]) for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)
    ]


def _unmatched(cents: np.ndarray, usable: np.ndarray, rows: np.ndarray) -> tuple[Unmatched, ...]:
    candidates = _best_candidates(cents, usable, rows)
    return tuple(
        Unmatched(int(i), CAPACITY_USED if cands else NO_FEASIBLE_MENTOR, cands)
        for i, cands in zip(rows.tolist(), candidates, strict=True)
    )


# --- bipartite --------------------------------------------------------------------------


def solve_bipartite(
    cents: np.ndarray,
    mask: np.ndarray,
    capacity: np.ndarray,
    locked: Iterable[tuple[int, int]] | np.ndarray | None = None,
    *,
    method: str = "auto",
    top_k: int = DEFAULT_TOP_K,
    max_rounds: int = DEFAULT_MAX_ROUNDS,
    warm: Iterable[tuple[int, int]] | np.ndarray | None = None,
) -> Solution:
    """Assign mentees (rows) to mentors (columns) within capacity, exactly and deterministically.

    `cents` are pair scores in integer cents, `mask` the feasible pairs, `locked` (mentee_idx,
    mentor_idx) pairs that must stay; they count towards the objective and use capacity.
    `warm` (mentee_idx, mentor_idx) pairs are a previous solution: the sparse path first tries
    to prove it optimal as it stands (then it is kept, and no assignment is solved at all),
    and otherwise starts from a candidate graph that holds it. Pairs no longer allowed, or
    beyond a mentor's capacity, are left out; the answer is exact either way.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    _check_inputs(cents, mask)
    n, m = cents.shape
    capacity = np.asarray(capacity, dtype=np.int64)
    if capacity.shape != (m,) or (capacity < 0).any():
        raise ValueError(f"capacity must be {m} non-negative integers")
    locked_arr = _as_index_pairs(locked)
    mentor_of = np.full(n, -1, dtype=np.int64)
    remaining = capacity.copy()
    if len(locked_arr):
        li, lj = locked_arr[:, 0], locked_arr[:, 1]
        if li.min() < 0 or li.max() >= n or lj.min() < 0 or lj.max() >= m:
            raise ValueError("locked pair outside the block")
        if len(np.unique(li)) != len(li):
            raise ValueError("a mentee is locked to more than one mentor")
        if not mask[li, lj].all():
            bad = locked_arr[~mask[li, lj]][0].tolist()
            raise ValueError(f"locked pair {tuple(bad)} breaks a hard constraint")
        remaining -= np.bincount(lj, minlength=m)
        if (remaining < 0).any():
            raise ValueError(
                f"locked pairs exceed the capacity of mentor {int(np.argmin(remaining))}"
            )
        mentor_of[li] = lj

    col_ok = remaining > 0
    free = np.flatnonzero(mentor_of < 0)
    # Scores of the subproblem with -1 for pairs that cannot be used; int16 holds
    # 0..10000 and halves the footprint of the largest array the solver keeps.
    weights = np.empty((len(free), m), dtype=np.int16)
    has_option = np.zeros(len(free), dtype=bool)
    for start in range(0, len(free), _CHUNK_ROWS):
        chunk = free[start : start + _CHUNK_ROWS]
        ok = mask[chunk] & col_ok
        has_option[start : start + len(chunk)] = ok.any(axis=1)
        block = weights[start : start + len(chunk)]
        np.copyto(block, cents[chunk], casting="unsafe")
        np.copyto(block, -1, where=~ok)
    active = free[has_option]
    if not has_option.all():
        weights = weights[has_option]

    used_method, rounds = "dense", 1
    if len(active):
        big = np.int64(MAX_CENTS) * len(active) + 1
        assigned = None
        if method in ("auto", "sparse"):
            start = _warm_start(_as_index_pairs(warm), n, active, weights, remaining)
            assigned, rounds = _solve_sparse(weights, remaining, big, top_k, max_rounds, start)
            if assigned is None and method == "sparse":
                raise ProofFailedError(f"no optimality proof after {rounds} rounds")
            used_method = "sparse" if rounds else "warm"
        if assigned is None:
            assigned = _solve_dense(weights, remaining, big)
            used_method = "dense" if method == "dense" else "sparse->dense"
        mentor_of[active] = assigned

    matched = np.flatnonzero(mentor_of >= 0)
    objective = int(cents[matched, mentor_of[matched]].astype(np.int64).sum())
    usable = mask & (capacity > 0)
    unmatched = _unmatched(cents, usable, np.flatnonzero(mentor_of < 0))
    return Solution(mentor_of, objective, unmatched, used_method, rounds)


def _warm_start(
    warm: np.ndarray, n_all: int, active: np.ndarray, weights: np.ndarray, remaining: np.ndarray
) -> np.ndarray | None:
    """The previous solution as an assignment of the subproblem's rows, or None.

    Only pairs still usable are kept, each mentee once, and each mentor up to its remaining
    capacity (the lower mentee rows first), so what is left is a valid b-matching."""
    if not len(warm):
        return None
    n, m = weights.shape
    row_of = np.full(n_all, -1, dtype=np.int64)
    row_of[active] = np.arange(len(active))
    inside = (warm[:, 0] >= 0) & (warm[:, 0] < n_all) & (warm[:, 1] >= 0) & (warm[:, 1] < m)
    rows, cols = row_of[warm[inside, 0]], warm[inside, 1]
    keep = rows >= 0
    rows, cols = rows[keep], cols[keep]
    keep = weights[rows, cols] >= 0
    rows, cols = rows[keep], cols[keep]
    rows, first = np.unique(rows, return_index=True)
    cols = cols[first]
    # Each pair's place among its mentor's pairs (rows ascending): beyond capacity drops.
    order = np.lexsort((rows, cols))
    rows, cols = rows[order], cols[order]
    starts = np.searchsorted(cols, cols)
    keep = np.arange(len(cols)) - starts < remaining[cols]
    assigned = np.full(n, -1, dtype=np.int64)
    assigned[rows[keep]] = cols[keep]
    return assigned if (assigned >= 0).any() else None


def _solve_dense(weights: np.ndarray, remaining: np.ndarray, big: np.int64) -> np.ndarray:
    n, m = weights.shape
    slots = np.minimum(remaining, n)
    slot_mentor = np.repeat(np.arange(m), slots)
    cost = np.empty((n, len(slot_mentor)), dtype=np.float64)
    for start in range(0, n, _CHUNK_ROWS):
        block = weights[start : start + _CHUNK_ROWS][:, slot_mentor].astype(np.float64)
        # Costs are negated weights (integers below 2**53, so float64 sums stay exact);
        # cost 0 means "not a usable pair", which the optimum only takes for a row that
        # stays unmatched.
        cost[start : start + len(block)] = np.where(block >= 0, -(float(big) + block), 0.0)
    rows, cols = linear_sum_assignment(cost)
    assigned = np.full(n, -1, dtype=np.int64)
    real = cost[rows, cols] < 0
    assigned[rows[real]] = slot_mentor[cols[real]]
    return assigned


def _candidate_edges(weights: np.ndarray, remaining: np.ndarray, top_k: int) -> np.ndarray:
    """Linear edge ids (row * m + col): each row's top_k columns and each column's best rows.

    Best first, ties to the lower index, unusable pairs (-1) never. Each cut is found as a
    threshold value (a partition of values, which is several times cheaper than of indices)
    and the few pairs at or above it are then ranked exactly."""
    n, m = weights.shape
    if not n or not m:
        return np.zeros(0, dtype=np.int64)
    k = min(top_k, m)
    # A mentor nobody ranks highly still deserves a look from their own best mentees;
    # without these, capacity that the optimum needs would only arrive in later rounds.
    per_col = np.minimum(remaining + top_k, n)
    kc = int(per_col.max())
    # Each column's best kc values in every chunk of rows, then the best kc of those, sorted:
    # a column's cut is the per_col-th of them.
    tops = []
    for start in range(0, n, _CHUNK_ROWS):
        block = weights[start : start + _CHUNK_ROWS]
        tops.append(np.partition(block, len(block) - min(kc, len(block)), axis=0)[-kc:])
    tops = np.concatenate(tops)
    tops = np.sort(np.partition(tops, len(tops) - kc, axis=0)[-kc:], axis=0)
    col_cut = np.maximum(tops[kc - per_col, np.arange(m)], 0)
    by_row, by_col = [], []
    for start in range(0, n, _CHUNK_ROWS):
        block = weights[start : start + _CHUNK_ROWS]
        row_cut = np.maximum(np.partition(block, m - k, axis=1)[:, m - k], 0)
        r, c = np.nonzero((block >= row_cut[:, None]) | (block >= col_cut))
        w = block[r, c]
        best_first = -w.astype(np.int64)
        r += start
        # Ranked within the chunk, so a block of tied scores never piles up: a row's pairs
        # are all here, and a column's global best are among its best in each chunk.
        sel = np.flatnonzero(w >= row_cut[r - start])
        sel = sel[_rank_in_group(r[sel], best_first[sel], c[sel]) < k]
        by_row.append(r[sel] * m + c[sel])
        sel = np.flatnonzero(w >= col_cut[c])
        sel = sel[_rank_in_group(c[sel], best_first[sel], r[sel]) < per_col[c[sel]]]
        by_col.append((c[sel], best_first[sel], r[sel]))
    cols, best_first, rows = (np.concatenate(x) for x in zip(*by_col, strict=True))
    keep = _rank_in_group(cols, best_first, rows) < per_col[cols]
    keys = [*by_row, rows[keep] * m + cols[keep]]
    return np.unique(np.concatenate(keys))


def _rank_in_group(group: np.ndarray, key: np.ndarray, tie: np.ndarray) -> np.ndarray:
    """Each item's rank within its group, ordered by key then tie (both ascending)."""
    order = np.lexsort((tie, key, group))
    rank = np.empty(len(group), dtype=np.int64)
    sorted_group = group[order]
    rank[order] = np.arange(len(group)) - np.searchsorted(sorted_group, sorted_group)
    return rank


def _solve_sparse(
    weights: np.ndarray,
    remaining: np.ndarray,
    big: np.int64,
    top_k: int,
    max_rounds: int,
    warm: np.ndarray | None = None,
    margin: int = DEFAULT_MARGIN,
) -> tuple[np.ndarray | None, int]:
    n, m = weights.shape
    edges = _candidate_edges(weights, remaining, top_k)
    if warm is not None:
        rows = np.flatnonzero(warm >= 0)
        edges = np.union1d(edges, rows * m + warm[rows])
        # The same proof as after a solve: duals that make the previous solution tight and
        # leave no pair with positive reduced profit show it is still optimal. None when it
        # is not even optimal on the candidate graph (a pair rejected, someone new). Duals
        # are not unique, and those of a small graph may fail a pair outside it while others
        # would not: such pairs join the graph and the duals are worked out again.
        for _attempt in range(WARM_PROOF_ROUNDS):
            er, ec = np.divmod(edges, m)
            ew = weights[er, ec].astype(np.int64)
            duals = _duals(n, m, er, ec, ew, warm, remaining, big)
            if duals is None:
                break
            violated, extra = _violations(weights, *duals, big, top_k, margin)
            if not violated:
                return warm, 0
            edges = np.union1d(edges, extra)
    for round_ in range(1, max_rounds + 1):
        er, ec = np.divmod(edges, m)
        ew = weights[er, ec].astype(np.int64)
        assigned = _solve_on_edges(n, m, er, ec, ew, remaining)
        duals = _duals(n, m, er, ec, ew, assigned, remaining, big)
        if duals is None:
            return None, round_
        u, v = duals
        violated, extra = _violations(weights, u, v, big, top_k, margin)
        if not violated:
            return assigned, round_
        edges = np.union1d(edges, extra)
    return None, max_rounds


def _solve_on_edges(
    n: int,
    m: int,
    er: np.ndarray,
    ec: np.ndarray,
    ew: np.ndarray,
    remaining: np.ndarray,
) -> np.ndarray:
    """Max-weight b-matching on the candidate graph, as a flow (OR-Tools).

    A source sends one unit to each mentee, a mentee on to a mentor at cost `-cents`, a
    mentor on to the sink up to its remaining capacity, so capacity needs no expanded slots.
    The maximum flow with the least cost among maximum flows is the `BIG + cents` optimum:
    most mentees matched, then the highest total; the smaller costs keep OR-Tools' cost
    scaling shorter than `BIG` in them would. The costs are exact integers, and the edges
    arrive sorted, so the same input gives the same flow every run.
    """
    # Only a solve needs it: web processes, which import the engine too, need not carry it.
    from ortools.graph.python import min_cost_flow

    source, sink = n + m, n + m + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([er, np.full(n, source), n + np.arange(m)]),
        np.concatenate([n + ec, np.arange(n), np.full(m, sink)]),
        np.concatenate([np.ones(len(er) + n, dtype=np.int64), remaining]),
        np.concatenate([-ew, np.zeros(n + m, dtype=np.int64)]),
    )
    supplies = np.zeros(n + m + 2, dtype=np.int64)
    supplies[source], supplies[sink] = n, -n
    flow.set_nodes_supplies(np.arange(n + m + 2), supplies)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended {status}")
    used = flow.flows(np.arange(len(er))) > 0
    assigned = np.full(n, -1, dtype=np.int64)
    assigned[er[used]] = ec[used]
    return assigned


def _duals(
    n: int,
    m: int,
    er: np.ndarray,
    ec: np.ndarray,
    ew: np.ndarray,
    assigned: np.ndarray,
    remaining: np.ndarray,
    big: np.int64,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Optimal LP duals (u per mentee, v per mentor) for a b-matching optimal on its graph.

    Dual feasibility `u_i + v_j >= w_ij`, with `u_i` tight on matched pairs, turns into
    difference constraints between mentor potentials, solved as shortest paths from a
    root F (v_F = 0) by Bellman-Ford. A negative cycle would mean the matching is not
    optimal even on its own graph; None then.
    """
    root = m
    mu = assigned[er]
    matched_edge = mu >= 0
    w_full = ew + big
    w_mu = np.zeros(n, dtype=np.int64)
    is_match = matched_edge & (mu == ec)
    w_mu[er[is_match]] = w_full[is_match]
    other = matched_edge & ~is_match
    load = np.bincount(assigned[assigned >= 0], minlength=m)
    matched_rows = np.flatnonzero(assigned >= 0)
    usable = np.flatnonzero(remaining > 0)
    spare = np.flatnonzero((remaining > 0) & (load < remaining))
    src = np.concatenate(
        [
            ec[other],  # v_mu(i) <= v_j + w_i,mu(i) - w_ij
            np.full(len(matched_rows), root),  # u_i >= 0
            ec[~matched_edge],  # unmatched i: v_j >= w_ij
            usable,  # v_j >= 0
            np.full(len(spare), root),  # spare capacity: v_j <= 0
        ]
    )
    dst = np.concatenate(
        [
            mu[other],
            assigned[matched_rows],
            np.full(int((~matched_edge).sum()), root),
            np.full(len(usable), root),
            spare,
        ]
    )
    length = np.concatenate(
        [
            w_mu[er[other]] - w_full[other],
            w_mu[matched_rows],
            -w_full[~matched_edge],
            np.zeros(len(usable), dtype=np.int64),
            np.zeros(len(spare), dtype=np.int64),
        ]
    )
    order = np.argsort(dst, kind="stable")
    src, dst, length = src[order], dst[order], length[order]
    targets, starts = np.unique(dst, return_index=True)
    dist = np.full(m + 1, _INF, dtype=np.int64)
    dist[root] = 0
    for _ in range(m + 2):
        from_src = dist[src]
        cand = np.where(from_src >= _INF, _INF, from_src + length)
        best = np.minimum.reduceat(cand, starts)
        new = dist.copy()
        new[targets] = np.minimum(dist[targets], best)
        if new[root] < 0:
            return None
        if np.array_equal(new, dist):
            break
        dist = new
    else:
        return None
    v = np.where(dist[:m] >= _INF, 0, dist[:m])
    u = np.zeros(n, dtype=np.int64)
    u[matched_rows] = w_mu[matched_rows] - v[assigned[matched_rows]]
    return u, v


def _violations(
    weights: np.ndarray, u: np.ndarray, v: np.ndarray, big: np.int64, top_k: int, margin: int
) -> tuple[bool, np.ndarray]:
    """Whether any usable pair has positive reduced profit, and the pairs to add.

    Pairs within `margin` cents of violating join too (up to top_k per row, best first, ties
    to the lower column): once the first round has moved the solution, the pairs that
    violate next are nearly always among them, and every extra round costs a whole re-solve.
    """
    n, m = weights.shape
    # Reduced profit w + (big - u) - v. Both potentials lie within big + MAX_CENTS of 0, so
    # while that stays below 2**30 the sums fit int32 exactly, which halves the memory
    # traffic of this pass over every pair.
    small = int(big) + 2 * MAX_CENTS < 2**30
    dtype = np.int32 if small else np.int64
    offset = (big - u).astype(dtype)
    v = v.astype(dtype)
    found = []
    violated = False
    for start in range(0, n, _CHUNK_ROWS):
        block = weights[start : start + _CHUNK_ROWS]
        reduced = block.astype(dtype)
        reduced += offset[start : start + len(block), None]
        reduced -= v
        # Only the few pairs near the threshold are looked at again: unusable ones (-1)
        # drop out there, rather than being masked in the whole block.
        r, c = np.nonzero(reduced > -margin)
        keep = block[r, c] >= 0
        r, c = r[keep], c[keep]
        profit = reduced[r, c].astype(np.int64)
        violated |= bool((profit > 0).any())
        keep = _rank_in_group(r, -profit, c) < top_k
        found.append((r[keep] + start) * m + c[keep])
    return violated, (np.concatenate(found) if found else np.zeros(0, dtype=np.int64))


# --- peer -------------------------------------------------------------------------------


def solve_peer(
    cents: np.ndarray,
    mask: np.ndarray,
    locked: Iterable[tuple[int, int]] | np.ndarray | None = None,
) -> Solution:
    """Pair people of one pool (each in at most one pair): most pairs, then highest total.

    `cents` and `mask` are square and symmetric over the pool; the diagonal must be False.
    """
    import rustworkx as rx  # only peer programs need it

    _check_inputs(cents, mask)
    n = cents.shape[0]
    if cents.shape != (n, n):
        raise ValueError("a peer pool needs square matrices")
    if mask.diagonal().any():
        raise ValueError("nobody can be paired with themselves")
    if not (np.array_equal(mask, mask.T) and np.array_equal(cents, cents.T)):
        raise ValueError("peer scores and constraints must be symmetric")
    partner = np.full(n, -1, dtype=np.int64)
    locked_arr = _as_index_pairs(locked)
    if len(locked_arr):
        people = locked_arr.ravel()
        if people.min() < 0 or people.max() >= n:
            raise ValueError("locked pair outside the pool")
        if len(np.unique(people)) != len(people):
            raise ValueError("a person is locked into more than one pair")
        if not mask[locked_arr[:, 0], locked_arr[:, 1]].all():
            raise ValueError("a locked pair breaks a hard constraint")
        partner[locked_arr[:, 0]] = locked_arr[:, 1]
        partner[locked_arr[:, 1]] = locked_arr[:, 0]
    free = np.flatnonzero(partner < 0)
    sub_mask = mask[np.ix_(free, free)]
    a, b = np.nonzero(np.triu(sub_mask, 1))
    if len(a):
        graph = rx.PyGraph(multigraph=False)
        graph.add_nodes_from(range(len(free)))
        w = cents[free[a], free[b]].tolist()
        graph.add_edges_from(list(zip(a.tolist(), b.tolist(), w, strict=True)))
        # max_cardinality makes the blossom algorithm maximise pairs first and weight
        # second; integer weights keep its dual arithmetic exact.
        matching = rx.max_weight_matching(graph, max_cardinality=True, weight_fn=int)
        for x, y in sorted(matching):
            partner[free[x]] = free[y]
            partner[free[y]] = free[x]
    paired = np.flatnonzero(partner >= 0)
    objective = int(cents[paired, partner[paired]].astype(np.int64).sum()) // 2
    unmatched = _unmatched(cents, mask, np.flatnonzero(partner < 0))
    return Solution(partner, objective, unmatched, "peer")
