"""Pair scores (0-100, in integer cents) and their per-criterion breakdown.

Every criterion yields a value in [0, 1]; its points are `weight / sum(weights) * 100 * value`.
The block scorer and the pair breakdown evaluate the same float64 expressions in the same
order, so the cents a proposal shows always equal the cents the solver optimised.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from matching.engine.data import Side

FORMATS = ("one_to_one", "group", "peer", "reverse")
CRITERIA = ("expertise", "seniority", "department", "language", "timezone", "format")
QUESTION_PREFIX = "q:"
SENIORITY_DIRECTIONS = ("mentor_senior", "mentor_junior", "close")
DEPARTMENT_PREFERENCES = ("same", "different")
CENTS = 100  # scores are carried as integer hundredths of a point
MAX_CENTS = 100 * CENTS
DEFAULT_CHUNK_ROWS = 512

_DEFAULT_WEIGHTS: dict[str, dict[str, float]] = {
    "one_to_one": {
        "expertise": 40,
        "seniority": 20,
        "department": 10,
        "language": 15,
        "timezone": 10,
        "format": 5,
    },
    "group": {
        "expertise": 40,
        "seniority": 15,
        "department": 5,
        "language": 20,
        "timezone": 15,
        "format": 5,
    },
    "peer": {
        "expertise": 30,
        "seniority": 20,
        "department": 10,
        "language": 20,
        "timezone": 15,
        "format": 5,
    },
    "reverse": {
        "expertise": 50,
        "seniority": 15,
        "department": 10,
        "language": 15,
        "timezone": 5,
        "format": 5,
    },
}
_SENIORITY_FOR_FORMAT = {
    "one_to_one": "mentor_senior",
    "group": "mentor_senior",
    "peer": "close",
    "reverse": "mentor_junior",
}


def default_weights(fmt: str) -> dict[str, float]:
    """Sensible starting weights for a program format; coordinators edit them per program."""
    _check_format(fmt)
    return {k: float(v) for k, v in _DEFAULT_WEIGHTS[fmt].items()}


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")


@dataclass(frozen=True)
class ScoreSettings:
    """How pairs are scored. Build with `ScoreSettings.for_format` to get the right direction.

    `mutual` (peer pools) averages expertise-for-interests over both directions, which keeps
    the score matrix of a pool symmetric.
    """

    weights: Mapping[str, float]
    seniority: str = "mentor_senior"
    department: str = "different"
    mutual: bool = False
    coefficients: tuple[tuple[str, float], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.seniority not in SENIORITY_DIRECTIONS:
            raise ValueError(f"seniority must be one of {SENIORITY_DIRECTIONS}")
        if self.department not in DEPARTMENT_PREFERENCES:
            raise ValueError(f"department must be one of {DEPARTMENT_PREFERENCES}")
        weights = dict(self.weights)
        for name, weight in weights.items():
            known = name in CRITERIA or (
                name.startswith(QUESTION_PREFIX) and len(name) > len(QUESTION_PREFIX)
            )
            if not known:
                raise ValueError(f"unknown criterion {name!r}")
            if not np.isfinite(weight) or weight < 0:
                raise ValueError(f"weight of {name!r} must be a finite number >= 0")
        total = float(sum(weights.values()))
        # Sorted so that the float accumulation order, and thus the rounding, never depends
        # on the order in which a settings form happened to list the criteria.
        coefficients = tuple(
            (name, float(weights[name]) / total * 100.0)
            for name in sorted(weights)
            if weights[name] > 0
        )
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "coefficients", coefficients)

    @classmethod
    def for_format(
        cls,
        fmt: str,
        weights: Mapping[str, float] | None = None,
        department: str = "different",
    ) -> ScoreSettings:
        _check_format(fmt)
        return cls(
            weights=default_weights(fmt) if weights is None else weights,
            seniority=_SENIORITY_FOR_FORMAT[fmt],
            department=department,
            mutual=fmt == "peer",
        )

    @property
    def criteria(self) -> tuple[str, ...]:
        """The criteria that carry points (weight > 0), in breakdown order."""
        return tuple(name for name, _ in self.coefficients)


# --- criterion values -------------------------------------------------------------------
# Each takes mentee-side values `a` and mentor-side values `b` that broadcast against each
# other: (r, 1) and (1, m) for a block, (p,) and (p,) for a list of pairs.


def _seniority_value(a: np.ndarray, b: np.ndarray, direction: str) -> np.ndarray:
    gap = (b - a).astype(np.float64)
    if direction == "mentor_junior":
        gap = -gap
    if direction == "close":
        dist = np.abs(gap)
        return np.where(dist <= 1, 1.0, np.maximum(0.0, 1.0 - (dist - 1) / 8))
    # One or two levels up is the sweet spot; a mentor far above is less relatable, and a
    # mentor who is not above at all earns nothing for seniority.
    return np.where(gap <= 0, 0.0, np.where(gap <= 2, 1.0, np.maximum(0.0, 1.0 - (gap - 2) / 8)))


def _department_value(a: np.ndarray, b: np.ndarray, preference: str) -> np.ndarray:
    known = (a >= 0) & (b >= 0)
    same = a == b
    return (known & (same if preference == "same" else ~same)).astype(np.float64)


def _timezone_value(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    diff = np.abs(a - b) % 24
    diff = np.minimum(diff, 24 - diff)  # UTC-11 and UTC+13 are 0 hours apart, not 24
    value = np.clip(1.0 - diff / 12.0, 0.0, 1.0)
    return np.where(np.isnan(value), 0.0, value)


def _format_value(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return ((a == b) | (a < 0) | (b < 0)).astype(np.float64)


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    num, den = np.broadcast_arrays(numerator, denominator)
    out = np.zeros(num.shape, dtype=np.float64)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _row_sizes(m: sparse.csr_matrix | None, n: int) -> np.ndarray:
    if m is None:
        return np.zeros(n, dtype=np.float64)
    return np.diff(m.indptr).astype(np.float64)


class _Pairing:
    """Gathers both sides' attributes for either a row block or a list of pairs."""

    def __init__(
        self, mentees: Side, mentors: Side, rows: np.ndarray | None, cols: np.ndarray | None
    ) -> None:
        self.mentees = mentees
        self.mentors = mentors
        self.block = cols is None
        if self.block:
            self.rows = np.arange(len(mentees)) if rows is None else rows
            self.cols = np.arange(len(mentors))
        else:
            assert rows is not None
            self.rows, self.cols = rows, cols
        self._dense_t: dict[int, np.ndarray] = {}
        self._codes: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}

    def codes(self, side: str, name: str) -> tuple[np.ndarray, np.ndarray]:
        """A whole side's distinct values of `name` and each person's position among them."""
        key = (side, name)
        if key not in self._codes:
            values = getattr(self.mentees if side == "a" else self.mentors, name)
            # equal_nan: every unknown time zone is one value (all of them score the same).
            self._codes[key] = np.unique(values, return_inverse=True, equal_nan=True)
        return self._codes[key]

    def set_codes(self, side: str, name: str) -> tuple[np.ndarray, np.ndarray]:
        """A whole side's distinct sets (as 0/1 rows, int64) and each person's position."""
        key = (side, name)
        if key not in self._codes:
            sets = getattr(self.mentees if side == "a" else self.mentors, name)
            dense = sets.toarray().astype(np.int64)
            self._codes[key] = np.unique(dense, axis=0, return_inverse=True)
        return self._codes[key]

    def attr(self, side: str, name: str) -> np.ndarray:
        if side == "a":
            values = getattr(self.mentees, name)[self.rows]
            return values[:, None] if self.block else values
        values = getattr(self.mentors, name)[self.cols]
        return values[None, :] if self.block else values

    def sizes(self, a_sets: sparse.csr_matrix | None, b_sets: sparse.csr_matrix | None):
        sa = _row_sizes(a_sets, len(self.mentees))[self.rows]
        sb = _row_sizes(b_sets, len(self.mentors))[self.cols]
        return (sa[:, None], sb[None, :]) if self.block else (sa, sb)

    def overlap(
        self, a_sets: sparse.csr_matrix | None, b_sets: sparse.csr_matrix | None
    ) -> np.ndarray:
        """Counts of shared set members (exact small integers stored as float64)."""
        shape = (len(self.rows), len(self.cols)) if self.block else (len(self.rows),)
        if a_sets is None or b_sets is None:
            return np.zeros(shape)
        if a_sets.shape[1] != b_sets.shape[1]:
            raise ValueError("both sides must use the same vocabulary for a criterion")
        if self.block:
            key = id(b_sets)
            if key not in self._dense_t:
                self._dense_t[key] = np.ascontiguousarray(b_sets.T.toarray())
            return np.asarray(a_sets[self.rows] @ self._dense_t[key], dtype=np.float64)
        products = a_sets[self.rows].multiply(b_sets[self.cols])
        return np.asarray(products.sum(axis=1), dtype=np.float64).ravel()


# Criteria that depend on one small-valued attribute per person. For a block they are
# evaluated once per pair of *distinct* values and gathered row by row: the same float64
# expression on the same inputs, so the same bits, at the cost of a copy.
_BY_VALUE = {
    "seniority": "seniority",
    "department": "department",
    "timezone": "tz_offset",
    "format": "meeting_format",
}


def _value_table(name: str, a: np.ndarray, b: np.ndarray, settings: ScoreSettings) -> np.ndarray:
    if name == "seniority":
        return _seniority_value(a, b, settings.seniority)
    if name == "department":
        return _department_value(a, b, settings.department)
    if name == "timezone":
        return _timezone_value(a, b)
    return _format_value(a, b)


def _block_points(
    name: str, coefficient: float, pairing: _Pairing, settings: ScoreSettings
) -> np.ndarray:
    """coefficient * the criterion's value for a row block, bit for bit as the pair path."""
    if name in _BY_VALUE:
        attr = _BY_VALUE[name]
        a_values, a_code = pairing.codes("a", attr)
        b_values, b_code = pairing.codes("b", attr)
        table = coefficient * _value_table(name, a_values[:, None], b_values[None, :], settings)
        return table[:, b_code][a_code[pairing.rows]]
    if name == "language":
        a_sets, a_code = pairing.set_codes("a", "languages")
        b_sets, b_code = pairing.set_codes("b", "languages")
        shared = (a_sets @ b_sets.T) > 0
        table = coefficient * shared.astype(np.float64)
        return table[:, b_code][a_code[pairing.rows]]
    return coefficient * _criterion_value(name, pairing, settings)


def _criterion_value(name: str, pairing: _Pairing, settings: ScoreSettings) -> np.ndarray:
    a_side, b_side = pairing.mentees, pairing.mentors
    if name == "expertise":
        forward = _ratio(
            pairing.overlap(a_side.interests, b_side.expertise),
            pairing.sizes(a_side.interests, None)[0],
        )
        if not settings.mutual:
            return forward
        backward = _ratio(
            pairing.overlap(a_side.expertise, b_side.interests),
            pairing.sizes(None, b_side.interests)[1],
        )
        return (forward + backward) / 2
    if name == "seniority":
        return _seniority_value(
            pairing.attr("a", "seniority"), pairing.attr("b", "seniority"), settings.seniority
        )
    if name == "department":
        return _department_value(
            pairing.attr("a", "department"), pairing.attr("b", "department"), settings.department
        )
    if name == "language":
        return (pairing.overlap(a_side.languages, b_side.languages) > 0).astype(np.float64)
    if name == "timezone":
        return _timezone_value(pairing.attr("a", "tz_offset"), pairing.attr("b", "tz_offset"))
    if name == "format":
        return _format_value(
            pairing.attr("a", "meeting_format"), pairing.attr("b", "meeting_format")
        )
    slug = name[len(QUESTION_PREFIX) :]
    a_sets, b_sets = a_side.answers.get(slug), b_side.answers.get(slug)
    inter = pairing.overlap(a_sets, b_sets)
    sa, sb = pairing.sizes(a_sets, b_sets)
    # Jaccard: a single-choice question scores 1 for the same answer and 0 otherwise; a
    # multiple-choice one scores the share of the two answer sets they have in common.
    return _ratio(inter, sa + sb - inter)


def _total(pairing: _Pairing, settings: ScoreSettings) -> Iterator[tuple[str, np.ndarray]]:
    for name, coefficient in settings.coefficients:
        yield name, coefficient * _criterion_value(name, pairing, settings)


def _to_cents(total: np.ndarray) -> np.ndarray:
    return np.rint(total * CENTS).astype(np.int32)


def _block_cents(pairing: _Pairing, settings: ScoreSettings) -> np.ndarray:
    total = np.zeros((len(pairing.rows), len(pairing.cols)), dtype=np.float64)
    # Added in the same order as the pair path (_total), so the rounding is the same.
    for name, coefficient in settings.coefficients:
        total += _block_points(name, coefficient, pairing, settings)
    # _to_cents in place: the same operations without two more block-sized temporaries.
    np.multiply(total, CENTS, out=total)
    return np.rint(total, out=total).astype(np.int32)


def score_block(
    mentees: Side, mentors: Side, settings: ScoreSettings, rows: np.ndarray | slice
) -> np.ndarray:
    """Scores in cents (int32, 0..10000) of mentees[rows] against every mentor."""
    row_idx = np.arange(len(mentees))[rows]
    return _block_cents(_Pairing(mentees, mentors, row_idx, None), settings)


def score_matrix(
    mentees: Side,
    mentors: Side,
    settings: ScoreSettings,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> np.ndarray:
    """Scores in cents (int32, 0..10000), shape (mentees, mentors).

    Computed in row chunks: at 10,000 x 4,000 the result is 160 MB, and each float64
    temporary for the whole block would be twice that.
    """
    out = np.empty((len(mentees), len(mentors)), dtype=np.int32)
    pairing = _Pairing(mentees, mentors, None, None)
    for start in range(0, len(mentees), chunk_rows):
        stop = min(start + chunk_rows, len(mentees))
        # One pairing across chunks keeps the mentor-side dense transposes computed once.
        pairing.rows = np.arange(start, stop)
        out[start:stop] = _block_cents(pairing, settings)
    return out


@dataclass(frozen=True)
class Breakdown:
    """Points per criterion for a list of pairs; each row sums exactly to its score."""

    criteria: tuple[str, ...]
    points_cents: np.ndarray  # (pairs, criteria) int32
    score_cents: np.ndarray  # (pairs,) int32

    @property
    def scores(self) -> np.ndarray:
        return self.score_cents / CENTS

    def as_dicts(self) -> list[dict[str, float]]:
        points = (self.points_cents / CENTS).tolist()
        return [dict(zip(self.criteria, row, strict=True)) for row in points]


def pair_breakdown(
    mentees: Side,
    mentors: Side,
    settings: ScoreSettings,
    mentee_idx: np.ndarray,
    mentor_idx: np.ndarray,
) -> Breakdown:
    """Why each (mentee_idx[k], mentor_idx[k]) pair scores what it does."""
    rows = np.asarray(mentee_idx, dtype=np.int64)
    cols = np.asarray(mentor_idx, dtype=np.int64)
    if rows.shape != cols.shape or rows.ndim != 1:
        raise ValueError("mentee_idx and mentor_idx must be 1-D arrays of equal length")
    pairing = _Pairing(mentees, mentors, rows, cols)
    total = np.zeros(len(rows), dtype=np.float64)
    parts = []
    for _name, points in _total(pairing, settings):
        total += points
        parts.append(points)
    score = _to_cents(total)
    criteria = settings.criteria
    if not criteria:
        return Breakdown(criteria, np.zeros((len(rows), 0), dtype=np.int32), score)
    raw = np.stack(parts, axis=1) * CENTS
    floor = np.floor(raw)
    # Largest remainder: round each criterion so that the shown parts add up to the shown
    # score to the cent, instead of drifting by a cent or two from independent rounding.
    deficit = score - floor.sum(axis=1).astype(np.int64)
    order = np.argsort(-(raw - floor), axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(len(criteria))[None, :], axis=1)
    points = floor.astype(np.int64) + (rank < deficit[:, None])
    return Breakdown(criteria, points.astype(np.int32), score)
