"""What other apps do when a pair ends, registered by them at start-up.

Apps above relationships (scheduling: an ended pair does not meet again, so its meetings
leave everyone's calendar) register a callback in their AppConfig.ready; the status change
calls each one inside its transaction. An explicit list, not a signal: `PAIR_ENDED` shows
every consequence in one place, and a failing callback rolls the change back."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from relationships.models import Mentorship

PairEnded = Callable[..., object]  # (*, mentorship, actor) -> ignored

PAIR_ENDED: dict[str, PairEnded] = {}


def on_pair_ended(callback: PairEnded) -> PairEnded:
    PAIR_ENDED[f"{callback.__module__}.{callback.__qualname__}"] = callback
    return callback


def pair_ended(*, mentorship: Mentorship, actor) -> None:
    for callback in PAIR_ENDED.values():
        callback(mentorship=mentorship, actor=actor)
