"""Why a mentee has no mentor: how many mentors each hard rule excludes, and which single
change would give them one.

Plain NumPy over the engine's own `Side`s, `Directory` and rule functions (the same code
`feasibility_mask` runs), for a few block rows at once: one (rows x mentors) boolean array
per rule, so a mentee costs O(mentors) however large the cohort.

"Available" means: passes every rule and has a place left (`capacity_left > 0`). A change
counts when it alone makes at least one mentor available:

- loosening one program rule (a wider time-zone limit, allowing the same department or the
  same manager, allowing a repeat of an earlier cohort's pair): the mentors that rule alone
  excludes and that still have a place;
- lifting a coordinator's rejection of one pair (each gives that one mentor);
- one more place for one mentor who passes every rule but is full.

The reporting chain, the person themselves and a pair whose mentorship has ended are never
offered as changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.engine.constraints import (
    RULES,
    ConstraintSettings,
    PairList,
    _Gather,
    _pair_lists,
    person_pairs_to_block,
)
from matching.engine.data import Directory, Side

# Rules a coordinator can loosen, in the order their changes are listed on a tie.
LOOSENABLE = ("timezone_gap", "same_department", "same_manager", "earlier_pair", "forbidden")
CAPACITY = "capacity"


@dataclass(frozen=True)
class Change:
    """One change that would make `gives` mentors available to the mentee."""

    rule: str  # a name from LOOSENABLE, or CAPACITY
    gives: int
    hours: int | None = None  # timezone_gap: the smallest limit (hours) that does it
    # CAPACITY and "forbidden": the block columns of the mentors any one of which the change
    # (one more place, one rejection lifted) would make available, best first.
    mentors: tuple[int, ...] = ()


@dataclass(frozen=True)
class WhyNot:
    candidates: int  # mentors other than the mentee themself
    excluded: dict[str, int]  # rule -> mentors it excludes (one mentor may count under several)
    passing: int  # mentors who pass every rule
    full: int  # of those, mentors with no place left (given to others)
    changes: tuple[Change, ...]  # each single change that gives a mentor, most mentors first

    @property
    def available(self) -> int:
        """Mentors who pass every rule and have a place: the mentee could be paired now."""
        return self.passing - self.full


def _tz_gap(mentees: Side, mentors: Side, rows: np.ndarray) -> np.ndarray:
    # As the engine's rule measures it: the shorter way round the clock; NaN when unknown.
    diff = np.abs(mentees.tz_offset[rows][:, None] - mentors.tz_offset[None, :]) % 24
    return np.minimum(diff, 24 - diff)


def rule_exclusions(
    mentees: Side,
    mentors: Side,
    directory: Directory,
    rows: np.ndarray,
    settings: ConstraintSettings | None = None,
    forbidden: PairList = None,
    earlier: PairList = None,
    symmetric: bool = False,
    *,
    ended: PairList = None,
) -> dict[str, np.ndarray]:
    """Rule name -> (len(rows) x mentors) bool, True where that rule excludes the pair.

    Only the rules in force appear; their conjunction is `feasibility_mask` on those rows."""
    settings = settings or ConstraintSettings()
    rows = np.asarray(rows, dtype=np.int64)
    shape = (len(rows), len(mentors))
    gather = _Gather(mentees, mentors, rows, None)
    excluded: dict[str, np.ndarray] = {}
    for name, rule in RULES:
        ok = rule(gather, directory, settings)
        if ok is not None:
            excluded[name] = ~np.broadcast_to(ok, shape)
    position = np.full(len(mentees), -1, dtype=np.int64)
    position[rows] = np.arange(len(rows))
    for name, pairs in _pair_lists(forbidden, earlier, ended):
        listed_rows, listed_cols = person_pairs_to_block(
            pairs, mentees, mentors, len(directory), symmetric
        )
        at = position[listed_rows]
        keep = at >= 0
        mask = np.zeros(shape, dtype=bool)
        mask[at[keep], listed_cols[keep]] = True
        if len(listed_rows):
            excluded[name] = mask
    return excluded


def why_not(
    mentees: Side,
    mentors: Side,
    directory: Directory,
    rows: np.ndarray,
    capacity_left: np.ndarray,
    settings: ConstraintSettings | None = None,
    forbidden: PairList = None,
    earlier: PairList = None,
    symmetric: bool = False,
    *,
    ended: PairList = None,
    cents: np.ndarray | None = None,
) -> list[WhyNot]:
    """For each mentee row, the exclusions per rule and the single changes that would help.

    `capacity_left[j]` is mentor j's free places now (after the pairs already given out).
    `cents` (len(rows) x mentors scores) orders the mentors a CAPACITY change names, best
    first; without it they come in block order."""
    settings = settings or ConstraintSettings()
    rows = np.asarray(rows, dtype=np.int64)
    excluded = rule_exclusions(
        mentees, mentors, directory, rows, settings, forbidden, earlier, symmetric, ended=ended
    )
    has_place = np.asarray(capacity_left, dtype=np.int64) > 0
    # The mentee themself is not a candidate (a "both" enrolment, a peer pool): not counted.
    is_self = excluded.pop("self")
    names = list(excluded)
    stack = (
        np.stack([excluded[n] for n in names])
        if names
        else np.zeros((0, len(rows), len(mentors)), dtype=bool)
    )
    blockers = stack.sum(axis=0) + is_self  # rules excluding each pair (self rules out all)
    gap = _tz_gap(mentees, mentors, rows) if "timezone_gap" in excluded else None

    def best_first(k: int, cols: np.ndarray) -> tuple[int, ...]:
        if cents is not None:
            cols = cols[np.lexsort((cols, -np.asarray(cents)[k, cols]))]
        return tuple(cols.tolist())

    results = []
    for k in range(len(rows)):
        candidate = ~is_self[k]
        passing = blockers[k] == 0
        full = passing & ~has_place
        changes: list[Change] = []
        for r, name in enumerate(names):
            if name not in LOOSENABLE:
                continue
            # Loosening this rule alone frees the mentors nothing else holds back.
            freed = stack[r, k] & (blockers[k] == 1) & has_place
            if not freed.any():
                continue
            if name == "timezone_gap":
                needed = np.ceil(gap[k][freed])
                hours = int(needed.min())
                changes.append(Change(name, int((needed <= hours).sum()), hours=hours))
            elif name == "forbidden":
                changes.append(Change(name, 1, mentors=best_first(k, np.flatnonzero(freed))))
            else:
                changes.append(Change(name, int(freed.sum())))
        if full.any():
            changes.append(Change(CAPACITY, 1, mentors=best_first(k, np.flatnonzero(full))))
        rank = {name: i for i, name in enumerate((*LOOSENABLE, CAPACITY))}
        changes.sort(key=lambda c: (-c.gives, rank[c.rule]))
        results.append(
            WhyNot(
                candidates=int(candidate.sum()),
                excluded={
                    name: int((excluded[name][k] & candidate).sum())
                    for name in names
                    if (excluded[name][k] & candidate).any()
                },
                passing=int(passing.sum()),
                full=int(full.sum()),
                changes=tuple(changes),
            )
        )
    return results
