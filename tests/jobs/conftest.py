from __future__ import annotations

from tests.matching.conftest import small_cohort  # noqa: F401 - the matching tests' people
