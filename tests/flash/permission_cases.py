"""Flash events: the coordinator's event pages, and each participant's own schedule."""

from __future__ import annotations

from tests.permissions import Case

CASES: dict[str, Case] = {}


def extend_world(world: dict) -> None:
    pass
