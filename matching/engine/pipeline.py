"""Score, filter and solve in one call, with the timings a match run records."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from matching.engine.constraints import (
    ConstraintSettings,
    PairList,
    feasibility_mask,
    pair_violations,
    person_pairs_to_block,
)
from matching.engine.data import Directory, Side
from matching.engine.scoring import Breakdown, ScoreSettings, pair_breakdown, score_matrix
from matching.engine.solver import Solution, solve_bipartite, solve_peer


@dataclass(frozen=True)
class MatchResult:
    """A solved block. `cents` and `mask` cover every (mentee, mentor) pair, so callers can
    export every feasible pair's score; `breakdown` is row-aligned with `solution.pairs()`."""

    solution: Solution
    breakdown: Breakdown
    cents: np.ndarray
    mask: np.ndarray
    seconds: dict[str, float] = field(default_factory=dict)


def _locked_indices(
    locked: PairList,
    mentees: Side,
    mentors: Side,
    directory: Directory,
    constraint_settings: ConstraintSettings | None,
    forbidden: PairList,
    earlier: PairList,
    mask: np.ndarray,
    symmetric: bool,
    ended: PairList,
) -> np.ndarray:
    arr = np.asarray(list(locked) if locked is not None else [], dtype=np.int64).reshape(-1, 2)
    rows, cols = person_pairs_to_block(arr, mentees, mentors, len(directory))
    if len(rows) != len(arr):
        raise ValueError("a locked pair names someone who is not enrolled in this block")
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        if not mask[i, j]:
            broken = pair_violations(
                mentees,
                mentors,
                directory,
                i,
                j,
                constraint_settings,
                forbidden,
                earlier,
                symmetric,
                ended=ended,
            )
            people = (int(mentees.person[i]), int(mentors.person[j]))
            raise ValueError(f"locked pair {people} breaks: {', '.join(broken)}")
    return np.stack([rows, cols], axis=1)


def match_bipartite(
    mentees: Side,
    mentors: Side,
    directory: Directory,
    score_settings: ScoreSettings,
    constraint_settings: ConstraintSettings | None = None,
    *,
    forbidden: PairList = None,
    earlier: PairList = None,
    ended: PairList = None,
    locked: PairList = None,
    warm: PairList = None,
    method: str = "auto",
) -> MatchResult:
    """One-to-one, group or reverse matching. All pair lists are (mentee_person, mentor_person).

    `warm` is a previous run's pairs: the solver starts from them (see solve_bipartite)."""
    if mentors.capacity is None:
        raise ValueError("the mentor side needs a capacity")
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    cents = score_matrix(mentees, mentors, score_settings)
    seconds["scoring"] = time.perf_counter() - t
    t = time.perf_counter()
    mask = feasibility_mask(
        mentees, mentors, directory, constraint_settings, forbidden, earlier, ended=ended
    )
    locked_idx = _locked_indices(
        locked,
        mentees,
        mentors,
        directory,
        constraint_settings,
        forbidden,
        earlier,
        mask,
        False,
        ended,
    )
    seconds["constraints"] = time.perf_counter() - t
    t = time.perf_counter()
    warm_rows, warm_cols = person_pairs_to_block(
        np.asarray(list(warm) if warm is not None else [], dtype=np.int64).reshape(-1, 2),
        mentees,
        mentors,
        len(directory),
    )
    solution = solve_bipartite(
        cents,
        mask,
        mentors.capacity,
        locked_idx,
        method=method,
        warm=np.stack([warm_rows, warm_cols], axis=1),
    )
    seconds["solving"] = time.perf_counter() - t
    rows, cols = solution.pairs()
    breakdown = pair_breakdown(mentees, mentors, score_settings, rows, cols)
    return MatchResult(solution, breakdown, cents, mask, seconds)


def match_peer(
    pool: Side,
    directory: Directory,
    score_settings: ScoreSettings,
    constraint_settings: ConstraintSettings | None = None,
    *,
    forbidden: PairList = None,
    earlier: PairList = None,
    ended: PairList = None,
    locked: PairList = None,
) -> MatchResult:
    """Peer matching inside one pool; pair lists are unordered (person, person) pairs."""
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    cents = score_matrix(pool, pool, score_settings)
    seconds["scoring"] = time.perf_counter() - t
    t = time.perf_counter()
    mask = feasibility_mask(
        pool, pool, directory, constraint_settings, forbidden, earlier, symmetric=True, ended=ended
    )
    locked_idx = _locked_indices(
        locked, pool, pool, directory, constraint_settings, forbidden, earlier, mask, True, ended
    )
    seconds["constraints"] = time.perf_counter() - t
    t = time.perf_counter()
    solution = solve_peer(cents, mask, locked_idx)
    seconds["solving"] = time.perf_counter() - t
    rows, cols = solution.pairs()
    breakdown = pair_breakdown(pool, pool, score_settings, rows, cols)
    return MatchResult(solution, breakdown, cents, mask, seconds)
