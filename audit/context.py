"""The request being served, for entries recorded deep in a service or a signal handler that
has no request of its own (who changed a role, from which address)."""

from __future__ import annotations

from contextvars import ContextVar

from django.http import HttpRequest

_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def current_request() -> HttpRequest | None:
    return _request.get()


def set_request(request: HttpRequest | None):
    return _request.set(request)


def reset(token) -> None:
    _request.reset(token)
