"""Flash mentoring: short meetings in rounds, everyone meeting someone new each round.

The planner works round by round. Each round is one exact assignment (SciPy's
`linear_sum_assignment`, mentors expanded into `table_size` seats) over the pairs still
allowed: the hard rules' mask (same mask as every other format), minus every pair that has
already met at this event, minus people absent from that round. One integer weight per
pair and seat folds three goals into one, each tier above any possible sum of the next:

    seated   every seated mentee counts the same large amount, so the round seats as
             many mentees as it can;
    fair     a mentee earns one unit per round they sat out so far; a mentor earns one
             unit for hosting at all plus one per round they hosted nobody (only their
             first seat carries it, so filling a table earns nothing extra);
    score    the pair's score in cents.

Guarantees, each kept here and checked in tests/matching/test_flash_engine.py:

- nobody meets the same person twice at the event (held rounds included); only allowed
  pairs meet; a mentee sits at one table per round and a mentor hosts at most
  `table_size` mentees; absent people are not seated; held rounds stay as they were.
- Every planned round, given the rounds before it, seats the most mentees it can; among
  those seatings it seats the people who sat out most so far first (a matroid fact:
  maximising the tier's sum puts the highest-priority seatable set in, on both sides at
  once); among those it has the highest total score. When every mentee can meet every
  mentor, this is "nobody sits out twice before everyone has sat out once".
- The same input gives the same plan (no randomness; SciPy's solver is deterministic).

Not guaranteed: the best plan for the whole event. A round that takes a pair uses it up
for later rounds, and the planner does not look ahead; on tiny instances it sometimes
misses the event optimum (see the tests). On realistic events the score lands within a
fraction of a percent of an LP bound for the same seating (benchmarks/flash.py).

Scores are integer cents and weights are integers below 2**53, so the float costs the
solver sees are exact and no rounding can flip a decision between runs.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from matching.engine.constraints import (
    ConstraintSettings,
    PairList,
    feasibility_mask,
    person_pairs_to_block,
)
from matching.engine.data import Directory, Side
from matching.engine.scoring import MAX_CENTS, ScoreSettings, score_matrix
from matching.engine.solver import _check_inputs

_EXACT_LIMIT = 2**53


@dataclass(frozen=True)
class RoundReport:
    """One round of a rotation; people are block indices."""

    seated: int
    seat_max: int  # most mentees this round could seat if repeats were allowed
    sitting_out: tuple[int, ...]  # present mentees without a table
    mentors_sitting_out: tuple[int, ...]  # present mentors hosting nobody
    cents: int
    bound_cents: int  # best score of a round seating `seat_max`, repeats allowed
    held: bool


@dataclass(frozen=True)
class Rotation:
    """A planned (or re-planned) event. `mentor_of[r, i]` is mentee i's mentor in round r, -1
    when i is not seated (absent or sitting out). The first `held_rounds` rounds are the
    ones already held, copied unchanged from the input."""

    mentor_of: np.ndarray
    mentee_present: np.ndarray
    mentor_present: np.ndarray
    held_rounds: int
    round_cents: np.ndarray
    seat_max: np.ndarray
    bound_cents: np.ndarray
    seconds: float

    @property
    def rounds(self) -> int:
        return self.mentor_of.shape[0]

    @property
    def seated(self) -> np.ndarray:
        return (self.mentor_of >= 0).sum(axis=1)

    @property
    def objective_cents(self) -> int:
        """Total score of the whole event, held rounds included."""
        return int(self.round_cents.sum())

    @property
    def upper_bound_cents(self) -> int:
        """Held rounds as held, plus each planned round's best with repeats allowed.

        A true bound on the objective of any plan that seats `seat_max` in every round; it
        ignores fairness too, so when mentees outnumber seats it lets the same best-suited
        mentees sit every round, which no fair rotation can do.
        """
        return int(self.bound_cents.sum())

    @property
    def repeats(self) -> int:
        """Meetings of a pair that had already met earlier in the event (0 by design)."""
        rounds, mentees = np.nonzero(self.mentor_of >= 0)
        pair_ids = mentees * (self.mentor_present.shape[1] + 1) + self.mentor_of[rounds, mentees]
        return len(pair_ids) - len(np.unique(pair_ids))

    def pairs(self, round_: int) -> tuple[np.ndarray, np.ndarray]:
        """(mentee_idx, mentor_idx) of every meeting in one round, by mentee."""
        rows = np.flatnonzero(self.mentor_of[round_] >= 0)
        return rows, self.mentor_of[round_, rows]

    def sitting_out(self, round_: int) -> np.ndarray:
        return np.flatnonzero(self.mentee_present[round_] & (self.mentor_of[round_] < 0))

    def mentors_sitting_out(self, round_: int) -> np.ndarray:
        hosted = np.bincount(self.pairs(round_)[1], minlength=self.mentor_present.shape[1])
        return np.flatnonzero(self.mentor_present[round_] & (hosted == 0))

    def report(self) -> tuple[RoundReport, ...]:
        return tuple(
            RoundReport(
                seated=int(self.seated[r]),
                seat_max=int(self.seat_max[r]),
                sitting_out=tuple(self.sitting_out(r).tolist()),
                mentors_sitting_out=tuple(self.mentors_sitting_out(r).tolist()),
                cents=int(self.round_cents[r]),
                bound_cents=int(self.bound_cents[r]),
                held=r < self.held_rounds,
            )
            for r in range(self.rounds)
        )


def _presence(absent: np.ndarray | None, rounds: int, size: int, name: str) -> np.ndarray:
    if absent is None:
        return np.ones((rounds, size), dtype=bool)
    absent = np.asarray(absent, dtype=bool)
    if absent.shape != (rounds, size):
        raise ValueError(f"{name} must have shape ({rounds}, {size})")
    return ~absent


def assign_round(
    cents: np.ndarray,
    usable: np.ndarray,
    table_size: int,
    mentee_priority: np.ndarray | None = None,
    mentor_priority: np.ndarray | None = None,
) -> np.ndarray:
    """One round: most mentees seated, then (with priorities) the most-waiting people first,
    then the highest score. Returns mentor_of per mentee, -1 when not seated.

    Priorities are how often each person sat out so far; without them the round is the
    plain best assignment (used for the bound).
    """
    n = usable.shape[0]
    mentor_of = np.full(n, -1, dtype=np.int64)
    rows = np.flatnonzero(usable.any(axis=1))
    cols = np.flatnonzero(usable.any(axis=0))
    if not len(rows):
        return mentor_of
    per_mentor = min(table_size, len(rows))
    slot_mentor = np.repeat(cols, per_mentor)
    first_seat = np.zeros(len(slot_mentor), dtype=bool)
    first_seat[::per_mentor] = True
    seats = min(len(rows), len(slot_mentor))

    row_tier = np.zeros(len(rows), dtype=np.int64)
    slot_tier = np.zeros(len(slot_mentor), dtype=np.int64)
    tier_span = 0
    if mentee_priority is not None and mentor_priority is not None:
        # Only differences between people matter, so shift the lowest to 0: keeps the
        # weights small (and exact) however long the event runs.
        a = mentee_priority[rows] - mentee_priority[rows].min()
        b = mentor_priority[cols] - mentor_priority[cols].min()
        fair_unit = seats * MAX_CENTS + 1
        row_tier = a * fair_unit
        slot_tier = np.where(first_seat, (1 + np.repeat(b, per_mentor)) * fair_unit, 0)
        tier_span = seats * (int(a.max()) + int(b.max()) + 1) * fair_unit
    big = tier_span + seats * MAX_CENTS + 1
    if 2 * big * seats >= _EXACT_LIMIT:
        raise ValueError("event too large for exact weights; split it into smaller events")

    ok = usable[np.ix_(rows, slot_mentor)]
    weight = (
        big
        + row_tier[:, None]
        + slot_tier[None, :]
        + cents[np.ix_(rows, slot_mentor)].astype(np.int64)
    )
    # Cost 0 stands for "no usable pair": the optimum only takes it for a seat or a mentee
    # left empty.
    cost = np.where(ok, -weight, 0).astype(np.float64)
    r, c = linear_sum_assignment(cost)
    real = ok[r, c]
    mentor_of[rows[r[real]]] = slot_mentor[c[real]]
    return mentor_of


def _round_cents(cents: np.ndarray, mentor_of: np.ndarray) -> int:
    rows = np.flatnonzero(mentor_of >= 0)
    return int(cents[rows, mentor_of[rows]].astype(np.int64).sum())


def plan_rotation(
    cents: np.ndarray,
    mask: np.ndarray,
    *,
    rounds: int,
    table_size: int = 1,
    held: np.ndarray | None = None,
    mentee_absent: np.ndarray | None = None,
    mentor_absent: np.ndarray | None = None,
) -> Rotation:
    """Plan every round of an event, or only the rounds after the `held` ones.

    `cents` and `mask` cover (mentee, mentor) block indices, as for `solve_bipartite`;
    pairs that met before this event belong in the mask. `held` is (h, n): mentor_of of
    the h rounds already held, kept as they are. `mentee_absent` (rounds, n) and
    `mentor_absent` (rounds, m) mark who is not there in which round.
    """
    started = time.perf_counter()
    _check_inputs(cents, mask)
    n, m = cents.shape
    if rounds < 0 or table_size < 1:
        raise ValueError("rounds must be >= 0 and table_size >= 1")
    held_arr = np.zeros((0, n), dtype=np.int64) if held is None else np.asarray(held, np.int64)
    if held_arr.ndim != 2 or held_arr.shape[1] != n or len(held_arr) > rounds:
        raise ValueError(f"held must have shape (h, {n}) with h <= rounds")
    if held_arr.size and (held_arr.min() < -1 or held_arr.max() >= m):
        raise ValueError("held rounds name a mentor outside the block")
    mentee_present = _presence(mentee_absent, rounds, n, "mentee_absent")
    mentor_present = _presence(mentor_absent, rounds, m, "mentor_absent")

    mentor_of = np.full((rounds, n), -1, dtype=np.int64)
    met = np.zeros((n, m), dtype=bool)
    mentee_sat_out = np.zeros(n, dtype=np.int64)
    mentor_sat_out = np.zeros(m, dtype=np.int64)
    for r in range(rounds):
        if r < len(held_arr):
            plan = held_arr[r]
        else:
            usable = mask & ~met
            usable[~mentee_present[r]] = False
            usable[:, ~mentor_present[r]] = False
            plan = assign_round(cents, usable, table_size, mentee_sat_out, mentor_sat_out)
        mentor_of[r] = plan
        seated = np.flatnonzero(plan >= 0)
        met[seated, plan[seated]] = True
        mentee_sat_out += mentee_present[r] & (plan < 0)
        hosted = np.bincount(plan[seated], minlength=m)
        mentor_sat_out += mentor_present[r] & (hosted == 0)

    round_cents = np.array([_round_cents(cents, mentor_of[r]) for r in range(rounds)], np.int64)
    seat_max = (mentor_of >= 0).sum(axis=1)
    bound_cents = round_cents.copy()
    relaxed: dict[bytes, tuple[int, int]] = {}
    for r in range(len(held_arr), rounds):
        key = mentee_present[r].tobytes() + mentor_present[r].tobytes()
        if key not in relaxed:
            usable = mask & mentee_present[r][:, None] & mentor_present[r][None, :]
            best = assign_round(cents, usable, table_size)
            relaxed[key] = (int((best >= 0).sum()), _round_cents(cents, best))
        seat_max[r], bound_cents[r] = relaxed[key]
    return Rotation(
        mentor_of=mentor_of,
        mentee_present=mentee_present,
        mentor_present=mentor_present,
        held_rounds=len(held_arr),
        round_cents=round_cents,
        seat_max=seat_max,
        bound_cents=bound_cents,
        seconds=time.perf_counter() - started,
    )


# --- people in, people out --------------------------------------------------------------


@dataclass(frozen=True)
class FlashResult:
    """A planned event over people: `rotation` in block indices, `cents` and `mask` as used."""

    rotation: Rotation
    mentees: Side
    mentors: Side
    cents: np.ndarray
    mask: np.ndarray
    seconds: dict[str, float] = field(default_factory=dict)

    def meetings(self, round_: int) -> list[tuple[int, int]]:
        """(mentee_person, mentor_person) of every meeting in one round."""
        rows, cols = self.rotation.pairs(round_)
        return list(
            zip(self.mentees.person[rows].tolist(), self.mentors.person[cols].tolist(), strict=True)
        )


def _absent_matrix(side: Side, absent: Sequence[Iterable[int]], rounds: int) -> np.ndarray:
    out = np.zeros((rounds, len(side)), dtype=bool)
    for r, people in enumerate(absent):
        out[r] = np.isin(side.person, np.fromiter(people, dtype=np.int64))
    return out


def plan_flash_event(
    mentees: Side,
    mentors: Side,
    directory: Directory,
    score_settings: ScoreSettings,
    constraint_settings: ConstraintSettings | None = None,
    *,
    rounds: int,
    table_size: int = 1,
    held: Sequence[PairList] = (),
    earlier: PairList = None,
    absent: Sequence[Iterable[int]] = (),
) -> FlashResult:
    """Score, filter and plan an event over people.

    `held` lists, per round already held, its (mentee_person, mentor_person) meetings;
    `earlier` pairs met before this event (leave None unless the program excludes them);
    `absent` lists, per round from the first, the people (either side) not there.
    """
    if len(absent) > rounds:
        raise ValueError("absences are given for more rounds than the event has")
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    cents = score_matrix(mentees, mentors, score_settings)
    seconds["scoring"] = time.perf_counter() - t
    t = time.perf_counter()
    mask = feasibility_mask(mentees, mentors, directory, constraint_settings, earlier=earlier)
    held_arr = np.full((len(held), len(mentees)), -1, dtype=np.int64)
    for r, pairs in enumerate(held):
        arr = np.asarray(list(pairs) if pairs is not None else [], dtype=np.int64).reshape(-1, 2)
        rows, cols = person_pairs_to_block(arr, mentees, mentors, len(directory))
        if len(rows) != len(arr):
            raise ValueError(f"held round {r} names someone who is not at this event")
        if len(np.unique(rows)) != len(rows):
            raise ValueError(f"held round {r} seats a mentee twice")
        held_arr[r, rows] = cols
    seconds["constraints"] = time.perf_counter() - t
    rotation = plan_rotation(
        cents,
        mask,
        rounds=rounds,
        table_size=table_size,
        held=held_arr,
        mentee_absent=_absent_matrix(mentees, absent, rounds),
        mentor_absent=_absent_matrix(mentors, absent, rounds),
    )
    seconds["planning"] = rotation.seconds
    return FlashResult(rotation, mentees, mentors, cents, mask, seconds)
