from __future__ import annotations

from tests.notifications.pairs import committed, make_pair, pair, scan  # noqa: F401
