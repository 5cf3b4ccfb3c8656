"""Hard constraints: which mentee-mentor pairs may be proposed at all.

Constraints are filters, never points. Capacity is the solver's business; everything that
depends only on the two people is decided here, as a boolean mask over the block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from matching.engine.data import Directory, Side

DEFAULT_CHUNK_ROWS = 1024

PairList = Iterable[tuple[int, int]] | np.ndarray | None


@dataclass(frozen=True)
class ConstraintSettings:
    """Optional per-program filters; all off by default (then only self, reporting chain
    and capacity apply)."""

    max_tz_gap_hours: float | None = None
    exclude_same_department: bool = False
    exclude_same_manager: bool = False

    def __post_init__(self) -> None:
        gap = self.max_tz_gap_hours
        if gap is not None and not (np.isfinite(gap) and gap >= 0):
            raise ValueError("max_tz_gap_hours must be a number >= 0 or None")


def is_above(directory: Directory, upper: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """True where `upper` is `lower` or anywhere above them in the reporting line."""
    tin, tout = directory.tin, directory.tout
    return (tin[upper] <= tin[lower]) & (tin[lower] < tout[upper])


def in_reporting_chain(directory: Directory, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """True where a and b are the same person or one is above the other, at any depth."""
    return is_above(directory, a, b) | is_above(directory, b, a)


def _as_pairs(pairs: PairList) -> np.ndarray:
    if pairs is None:
        return np.zeros((0, 2), dtype=np.int64)
    arr = np.asarray(list(pairs) if not isinstance(pairs, np.ndarray) else pairs, dtype=np.int64)
    if arr.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError("pairs must be (mentee_person, mentor_person) tuples")
    return arr


class _Gather:
    """Person attributes for a row block (broadcast r x m) or for a list of pairs."""

    def __init__(self, mentees: Side, mentors: Side, rows: np.ndarray, cols: np.ndarray | None):
        self.block = cols is None
        self.mentees, self.mentors = mentees, mentors
        self.rows = rows
        self.cols = np.arange(len(mentors)) if cols is None else cols

    def a(self, name: str) -> np.ndarray:
        values = getattr(self.mentees, name)[self.rows]
        return values[:, None] if self.block else values

    def b(self, name: str) -> np.ndarray:
        values = getattr(self.mentors, name)[self.cols]
        return values[None, :] if self.block else values


Rule = Callable[[_Gather, Directory, ConstraintSettings], np.ndarray | None]


def _rule_self(g: _Gather, d: Directory, s: ConstraintSettings) -> np.ndarray:
    return g.a("person") != g.b("person")


def _rule_reporting_chain(g: _Gather, d: Directory, s: ConstraintSettings) -> np.ndarray:
    return ~in_reporting_chain(d, g.a("person"), g.b("person"))


def _rule_timezone_gap(g: _Gather, d: Directory, s: ConstraintSettings) -> np.ndarray | None:
    if s.max_tz_gap_hours is None:
        return None
    diff = np.abs(g.a("tz_offset") - g.b("tz_offset")) % 24
    diff = np.minimum(diff, 24 - diff)
    # An unknown zone cannot be shown to be too far, so it does not exclude anyone.
    return ~(diff > s.max_tz_gap_hours)


def _rule_same_department(g: _Gather, d: Directory, s: ConstraintSettings) -> np.ndarray | None:
    if not s.exclude_same_department:
        return None
    a, b = g.a("department"), g.b("department")
    return ~((a == b) & (a >= 0))


def _rule_same_manager(g: _Gather, d: Directory, s: ConstraintSettings) -> np.ndarray | None:
    if not s.exclude_same_manager:
        return None
    a, b = d.manager[g.a("person")], d.manager[g.b("person")]
    return ~((a == b) & (a >= 0))


RULES: tuple[tuple[str, Rule], ...] = (
    ("self", _rule_self),
    ("reporting_chain", _rule_reporting_chain),
    ("timezone_gap", _rule_timezone_gap),
    ("same_department", _rule_same_department),
    ("same_manager", _rule_same_manager),
)


def _side_positions(side: Side, n_people: int) -> np.ndarray:
    position = np.full(n_people, -1, dtype=np.int64)
    if len(side) and (side.person.min() < 0 or side.person.max() >= n_people):
        raise ValueError("person index outside the directory")
    position[side.person] = np.arange(len(side))
    if len(np.unique(side.person)) != len(side):
        raise ValueError("a person appears twice on one side")
    return position


def person_pairs_to_block(
    pairs: PairList, mentees: Side, mentors: Side, n_people: int, symmetric: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Block (row, col) indices of person pairs; pairs with someone not in the block drop out.

    With `symmetric` (a peer pool, both sides the same people) each pair is returned in both
    orientations.
    """
    arr = _as_pairs(pairs)
    if symmetric:
        arr = np.concatenate([arr, arr[:, ::-1]])
    if arr.size and (arr.min() < 0 or arr.max() >= n_people):
        raise ValueError("person index outside the directory")
    rows = _side_positions(mentees, n_people)[arr[:, 0]]
    cols = _side_positions(mentors, n_people)[arr[:, 1]]
    keep = (rows >= 0) & (cols >= 0)
    return rows[keep], cols[keep]


def _pair_lists(
    forbidden: PairList, earlier: PairList, ended: PairList
) -> tuple[tuple[str, PairList], ...]:
    # The rule names that pairs listed by the caller break, in the order they are reported.
    return (("forbidden", forbidden), ("earlier_pair", earlier), ("ended_pair", ended))


def feasibility_mask(
    mentees: Side,
    mentors: Side,
    directory: Directory,
    settings: ConstraintSettings | None = None,
    forbidden: PairList = None,
    earlier: PairList = None,
    symmetric: bool = False,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    *,
    ended: PairList = None,
) -> np.ndarray:
    """Boolean (mentees x mentors) mask: True where the pair passes every hard constraint.

    `forbidden` (a coordinator rejected the pair), `earlier` (paired in an earlier cohort;
    pass it only when the program excludes repeats) and `ended` (their mentorship in this
    cohort has ended) are (mentee_person, mentor_person) pairs.
    """
    settings = settings or ConstraintSettings()
    mask = np.empty((len(mentees), len(mentors)), dtype=bool)
    for start in range(0, len(mentees), chunk_rows):
        stop = min(start + chunk_rows, len(mentees))
        g = _Gather(mentees, mentors, np.arange(start, stop), None)
        block = np.ones((stop - start, len(mentors)), dtype=bool)
        for _name, rule in RULES:
            ok = rule(g, directory, settings)
            if ok is not None:
                block &= ok
        mask[start:stop] = block
    for _name, pairs in _pair_lists(forbidden, earlier, ended):
        rows, cols = person_pairs_to_block(pairs, mentees, mentors, len(directory), symmetric)
        mask[rows, cols] = False
    return mask


def pairs_violations(
    mentees: Side,
    mentors: Side,
    directory: Directory,
    mentee_idx: np.ndarray,
    mentor_idx: np.ndarray,
    settings: ConstraintSettings | None = None,
    forbidden: PairList = None,
    earlier: PairList = None,
    symmetric: bool = False,
    *,
    ended: PairList = None,
) -> list[list[str]]:
    """For each pair (mentee_idx[k], mentor_idx[k]), the names of the constraints it breaks.

    The same rules as `feasibility_mask`, named, for a list of pairs at once (a run being
    published, a coordinator's pairing, a request being accepted)."""
    settings = settings or ConstraintSettings()
    rows = np.asarray(mentee_idx, dtype=np.int64)
    cols = np.asarray(mentor_idx, dtype=np.int64)
    g = _Gather(mentees, mentors, rows, cols)
    broken: list[list[str]] = [[] for _ in range(len(rows))]
    checks: list[tuple[str, np.ndarray]] = []
    for name, rule in RULES:
        ok = rule(g, directory, settings)
        if ok is not None:
            checks.append((name, ~np.broadcast_to(ok, rows.shape)))
    width = max(len(mentors), 1)
    asked = rows * width + cols
    for name, pairs in _pair_lists(forbidden, earlier, ended):
        listed_rows, listed_cols = person_pairs_to_block(
            pairs, mentees, mentors, len(directory), symmetric
        )
        checks.append((name, np.isin(asked, listed_rows * width + listed_cols)))
    for name, failed in checks:
        for k in np.flatnonzero(failed).tolist():
            broken[k].append(name)
    return broken


def pair_violations(
    mentees: Side,
    mentors: Side,
    directory: Directory,
    mentee_idx: int,
    mentor_idx: int,
    settings: ConstraintSettings | None = None,
    forbidden: PairList = None,
    earlier: PairList = None,
    symmetric: bool = False,
    *,
    ended: PairList = None,
) -> list[str]:
    """Names of the constraints one pair breaks (empty when the pair is feasible)."""
    return pairs_violations(
        mentees,
        mentors,
        directory,
        np.array([mentee_idx]),
        np.array([mentor_idx]),
        settings,
        forbidden,
        earlier,
        symmetric,
        ended=ended,
    )[0]
