"""Small hand-made sides for engine tests (plain arrays, no database)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matching.engine import Side, csr_from_sets


def make_side(
    person: Sequence[int],
    *,
    seniority: Sequence[int] | None = None,
    department: Sequence[int] | None = None,
    languages: Sequence[Sequence[int]] | None = None,
    tz: Sequence[float] | None = None,
    meeting_format: Sequence[int] | None = None,
    interests: Sequence[Sequence[int]] | None = None,
    expertise: Sequence[Sequence[int]] | None = None,
    answers: dict[str, tuple[Sequence[Sequence[int]], int]] | None = None,
    capacity: Sequence[int] | None = None,
    n_tags: int = 10,
    n_languages: int = 4,
) -> Side:
    n = len(person)
    return Side(
        person=np.asarray(person),
        seniority=np.asarray(seniority if seniority is not None else [5] * n),
        department=np.asarray(department if department is not None else [-1] * n),
        languages=csr_from_sets(languages if languages is not None else [[]] * n, n_languages),
        tz_offset=np.asarray(tz if tz is not None else [0.0] * n, dtype=float),
        meeting_format=np.asarray(meeting_format if meeting_format is not None else [-1] * n),
        interests=csr_from_sets(interests, n_tags) if interests is not None else None,
        expertise=csr_from_sets(expertise, n_tags) if expertise is not None else None,
        answers={
            slug: csr_from_sets(rows, n_choices)
            for slug, (rows, n_choices) in (answers or {}).items()
        },
        capacity=np.asarray(capacity) if capacity is not None else None,
    )
