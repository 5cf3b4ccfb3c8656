"""The one base class for what a domain refuses (a change the state does not allow, a pair
the rules forbid, a meeting that cannot be booked), and the one way views show it.

    with refusal_shown(request) as done:
        services.agreement_confirm(...)
    if done:
        messages.success(request, _("Agreement confirmed."))
    return redirect(mentorship)

A DomainError raised inside the block becomes the person's error message; anything else
propagates."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.http import HttpRequest


class DomainError(ValueError):
    """A request the domain refuses; str(error) says why, in words for the person."""


class Outcome:
    def __init__(self) -> None:
        self.refusal: DomainError | None = None

    def __bool__(self) -> bool:
        return self.refusal is None


@contextmanager
def refusal_shown(request: HttpRequest) -> Iterator[Outcome]:
    outcome = Outcome()
    try:
        yield outcome
    except DomainError as refusal:
        outcome.refusal = refusal
        messages.error(request, str(refusal))
