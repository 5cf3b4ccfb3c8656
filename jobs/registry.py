"""What each kind of job does, registered by the app that owns the work.

A kind's function takes the Job and a Progress and returns the result to store (a dict the
job page shows: "summary", "url" of the page with the outcome, "warnings"). It raises a
DomainError to fail with a reason for the person. Each app registers its kinds from its
`jobs` module, imported by its AppConfig.ready(), so this app imports no domain app."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jobs.models import Job
    from jobs.progress import Progress

Work = Callable[["Job", "Progress"], dict[str, Any]]

KINDS: dict[str, Work] = {}


def kind(name: str):
    def register(work: Work) -> Work:
        KINDS[name] = work
        return work

    return register
