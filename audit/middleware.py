from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit import context
from audit.models import AuditEvent
from audit.services import record


def _attachment(response: HttpResponse) -> str | None:
    disposition = response.get("Content-Disposition", "")
    if disposition.startswith("attachment"):
        return disposition.partition("filename=")[2].strip('"') or "download"
    return None


API_NOT_DATA = {"schema", "docs"}  # the API's own description holds nobody's data


class AuditMiddleware:
    """Keeps the request at hand for entries recorded deeper down, and records every download
    (CSV, XLSX, ics, exports: any attachment; every API read) and every report page viewed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = context.set_request(request)
        try:
            response = self.get_response(request)
            self._record(request, response)
        finally:
            context.reset(token)
        return response

    def _record(self, request: HttpRequest, response: HttpResponse) -> None:
        match = request.resolver_match
        if match is None or response.status_code != 200:
            return
        filename = _attachment(response)
        if filename is not None:
            record(
                AuditEvent.Action.DOWNLOAD,
                request=request,
                object_type=match.view_name,
                object_id=next(iter(match.kwargs.values()), ""),
                object_label=filename,
            )
        elif (
            match.namespace == "api"
            and request.method == "GET"
            and match.url_name not in API_NOT_DATA
            and request.path.startswith("/api/")
        ):
            # Every read through the API is an export of data.
            record(
                AuditEvent.Action.DOWNLOAD,
                request=request,
                object_type=match.view_name,
                object_id=next(iter(match.kwargs.values()), ""),
                object_label=request.path,
            )
        elif match.namespace == "reports" and request.method == "GET":
            record(
                AuditEvent.Action.REPORT_VIEWED,
                request=request,
                object_type=match.view_name,
                object_id=next(iter(match.kwargs.values()), ""),
                object_label=request.path,
            )
