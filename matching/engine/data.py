"""Plain-data inputs of the matching engine: one `Side` per role, one `Directory` per org."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

NO_FORMAT = -1
NO_DEPARTMENT = -1


def csr_from_sets(rows: Sequence[Iterable[int]], n_cols: int) -> sparse.csr_matrix:
    """A 0/1 CSR matrix with one row per person, marking the column ids in each row's set."""
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    cols: list[int] = []
    for i, row in enumerate(rows):
        unique = sorted(set(row))
        cols.extend(unique)
        indptr[i + 1] = len(cols)
    indices = np.asarray(cols, dtype=np.int64)
    if indices.size and (indices.min() < 0 or indices.max() >= n_cols):
        raise ValueError(f"set member outside 0..{n_cols - 1}")
    data = np.ones(indices.size, dtype=np.float64)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), n_cols))


def _binary_csr(
    matrix: sparse.spmatrix | sparse.sparray, n_rows: int, name: str
) -> sparse.csr_matrix:
    csr = sparse.csr_matrix(matrix, dtype=np.float64)
    if csr.shape[0] != n_rows:
        raise ValueError(f"{name} has {csr.shape[0]} rows, expected {n_rows}")
    csr.sum_duplicates()
    csr.eliminate_zeros()
    # Overlap counts come from products of these matrices, so anything but 0/1 would
    # silently turn "shared tags" into weighted sums.
    if csr.nnz and not np.all(csr.data == 1.0):
        raise ValueError(f"{name} must be a 0/1 matrix")
    return csr


@dataclass(frozen=True)
class Side:
    """N people on one side of a matching (mentees, mentors, or a peer pool).

    `interests` are what a person wants to learn and `expertise` what they can offer, both
    over one shared tag vocabulary; a mentee side needs only interests and a mentor side
    only expertise, a peer pool uses both. `answers` maps a question slug to a 0/1 matrix
    over that question's choices (a single-choice answer is a row with one 1).
    `tz_offset` is in hours; NaN means unknown. `capacity` is required for mentors.
    """

    person: np.ndarray
    seniority: np.ndarray
    department: np.ndarray
    languages: sparse.csr_matrix
    tz_offset: np.ndarray
    meeting_format: np.ndarray
    interests: sparse.csr_matrix | None = None
    expertise: sparse.csr_matrix | None = None
    answers: Mapping[str, sparse.csr_matrix] = field(default_factory=dict)
    capacity: np.ndarray | None = None

    def __post_init__(self) -> None:
        n = len(self.person)
        set_ = object.__setattr__
        set_(self, "person", np.asarray(self.person, dtype=np.int64))
        set_(self, "seniority", np.asarray(self.seniority, dtype=np.int64))
        set_(self, "department", np.asarray(self.department, dtype=np.int64))
        set_(self, "tz_offset", np.asarray(self.tz_offset, dtype=np.float64))
        set_(self, "meeting_format", np.asarray(self.meeting_format, dtype=np.int64))
        for name in ("seniority", "department", "tz_offset", "meeting_format"):
            if getattr(self, name).shape != (n,):
                raise ValueError(f"{name} must have shape ({n},)")
        set_(self, "languages", _binary_csr(self.languages, n, "languages"))
        for name in ("interests", "expertise"):
            value = getattr(self, name)
            if value is not None:
                set_(self, name, _binary_csr(value, n, name))
        both = self.interests is not None and self.expertise is not None
        if both and self.interests.shape[1] != self.expertise.shape[1]:
            raise ValueError("interests and expertise must share one tag vocabulary")
        set_(
            self,
            "answers",
            {slug: _binary_csr(m, n, f"answers[{slug}]") for slug, m in self.answers.items()},
        )
        if self.capacity is not None:
            capacity = np.asarray(self.capacity, dtype=np.int64)
            if capacity.shape != (n,) or (capacity < 0).any():
                raise ValueError(f"capacity must be {n} non-negative integers")
            set_(self, "capacity", capacity)

    def __len__(self) -> int:
        return len(self.person)


@dataclass(frozen=True)
class Directory:
    """The whole organisation: `manager[p]` is the index of p's manager, -1 for none.

    Building it numbers the reporting forest in depth-first order once, so that "a is
    above b at any depth" becomes an interval test (`tin[a] <= tin[b] < tout[a]`) that
    costs the same for a chain of 3 or 3,000 levels and vectorises over whole blocks.
    """

    manager: np.ndarray
    tin: np.ndarray = field(init=False, repr=False)
    tout: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        manager = np.asarray(self.manager, dtype=np.int64)
        object.__setattr__(self, "manager", manager)
        tin, tout = _euler_intervals(manager)
        object.__setattr__(self, "tin", tin)
        object.__setattr__(self, "tout", tout)

    def __len__(self) -> int:
        return len(self.manager)


def _euler_intervals(manager: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = len(manager)
    if manager.ndim != 1:
        raise ValueError("manager must be one-dimensional")
    if n and (manager.min() < -1 or manager.max() >= n):
        raise ValueError("manager index outside the directory")
    has_manager = manager >= 0
    # Children grouped by manager with a stable sort, so numbering is deterministic.
    children = np.flatnonzero(has_manager)
    children = children[np.argsort(manager[children], kind="stable")]
    starts = np.searchsorted(manager[children], np.arange(n + 1))
    tin = np.full(n, -1, dtype=np.int64)
    tout = np.full(n, -1, dtype=np.int64)
    clock = 0
    # An explicit stack rather than recursion: reporting chains may be far deeper than
    # Python's recursion limit.
    for root in np.flatnonzero(~has_manager).tolist():
        stack = [(root, int(starts[root]))]
        tin[root] = clock
        clock += 1
        while stack:
            node, nxt = stack[-1]
            if nxt < starts[node + 1]:
                stack[-1] = (node, nxt + 1)
                child = int(children[nxt])
                tin[child] = clock
                clock += 1
                stack.append((child, int(starts[child])))
            else:
                tout[node] = clock
                stack.pop()
    if clock != n:
        # Whoever was never reached from a top of the tree sits on, or under, a cycle.
        cyclic = np.flatnonzero(tin < 0)[:5].tolist()
        raise ValueError(f"reporting lines contain a cycle (people {cyclic} ...)")
    return tin, tout
