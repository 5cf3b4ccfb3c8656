"""The one base class for what a domain refuses: a change the state does not allow, a pair the
rules forbid, a file that cannot be imported. The message is for the person who asked; views
turn any of them into a message in one place (core.views.domain_errors_as_messages)."""

from __future__ import annotations


class DomainError(ValueError):
    """A request the domain refuses; str(error) says why, in words for the person."""
