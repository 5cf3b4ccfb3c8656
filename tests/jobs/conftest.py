from __future__ import annotations

from tests.matching.conftest import (  # noqa: F401 - the matching tests' cohort and people
    cohort,
    coordinator,
    program,
    small_cohort,
)
