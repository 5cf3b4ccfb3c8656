from __future__ import annotations

import csv

from django.contrib import admin
from django.http import HttpResponse

from audit.models import AuditEvent
from core.admin import ModelAdmin

COLUMNS = [
    "at",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "ip_address",
    "detail",
]


def _inert(cell: object) -> object:
    """Names and labels come from people: never hand a spreadsheet a live formula."""
    if isinstance(cell, str) and cell.startswith(("=", "+", "-", "@", "\t", "\r")):
        return f"'{cell}"
    return cell


@admin.register(AuditEvent)
class AuditEventAdmin(ModelAdmin):
    """Read-only: the log is append-only. Site admins filter it and export it as CSV."""

    list_display = ["at", "actor_label", "action", "object_type", "object_label", "ip_address"]
    list_filter = ["action", "at", "object_type"]
    search_fields = ["actor_label", "object_label", "object_id", "ip_address"]
    date_hierarchy = "at"
    readonly_fields = COLUMNS
    actions = ["export_csv"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    @admin.action(description="Export the selected entries as CSV")
    def export_csv(self, request, queryset) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
        writer = csv.writer(response)
        writer.writerow(COLUMNS)
        for row in queryset.values_list(*COLUMNS):
            writer.writerow([_inert(cell) for cell in row])
        return response
