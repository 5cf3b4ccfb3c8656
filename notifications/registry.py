"""The kinds of message the outbox knows how to build, and the planners that find them due.

A kind's builder turns a claimed Dispatch into an email, or None when the message no longer
makes sense (the meeting was cancelled, the session was logged); a planner returns the
messages due at a given instant. Each app registers its own kinds and planners from its
`messages` module, imported by its AppConfig.ready(), so notifications imports no domain
app to send that app's mail."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.core.mail import EmailMultiAlternatives

    from notifications.models import Dispatch


@dataclass(frozen=True)
class Planned:
    kind: str
    object_id: int
    occurrence: str
    recipient_id: int
    due_at: datetime


@dataclass(frozen=True)
class Message:
    """One message to one person, to go out now: its outbox key (see Dispatch)."""

    kind: str
    object_id: int
    occurrence: str
    recipient_id: int


@dataclass(frozen=True)
class Kind:
    name: str
    category: str | None  # None: always sent, never offered as a switch
    build: Callable[[Dispatch], EmailMultiAlternatives | None]
    # Mail that can wait: held back during the recipient's quiet hours, sent when they end.
    quiet: bool = False


def occurrence_stamp(moment: datetime) -> str:
    """An instant as it goes into a message's occurrence key: UTC, to the second."""
    return f"{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"


Planner = Callable[[datetime], Iterable[Planned]]

KINDS: dict[str, Kind] = {}
PLANNERS: dict[str, Planner] = {}


def kind(name: str, *, category: str | None, quiet: bool = False):
    def register(build):
        KINDS[name] = Kind(name=name, category=category, build=build, quiet=quiet)
        return build

    return register


def planner(func: Planner) -> Planner:
    PLANNERS[f"{func.__module__}.{func.__name__}"] = func
    return func
