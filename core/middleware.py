"""Requests that carry a NUL byte in the address stop here; a signed-in GET reads the data
version first.

PostgreSQL cannot store or compare text holding NUL (0x00): a captured path segment such as a
calendar token, or a query parameter that reaches a lookup, made the database driver raise and
the page answer 500. No address of ours has one: the path answers 404 and the query 400, before
any view or query runs.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext

from core.data_version import CACHEABLE_METHODS, data_version

NUL = "\x00"


class NullBytesRefusedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path_info:
            raise Http404
        if any(NUL in key or any(NUL in v for v in values) for key, values in request.GET.lists()):
            return HttpResponseBadRequest(gettext("Bad request."))
        return self.get_response(request)


class DataVersionMiddleware:
    """Reads the data version at the start of a signed-in person's GET, before any view reads
    data: the parts of pages filed under it (core/fragments.py) never hold data older than it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in CACHEABLE_METHODS and request.user.is_authenticated:
            data_version(request)
        return self.get_response(request)
