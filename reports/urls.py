from __future__ import annotations

from django.urls import path, register_converter

from reports import views

app_name = "reports"


class ExportFormat:
    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFormat, "export_format")

urlpatterns = [
    path("reports/", views.participation, name="participation"),
    path(
        "reports/participation.<export_format:fmt>",
        views.report_export,
        name="report_export",
    ),
    path("reports/sessions.<export_format:fmt>", views.sessions_export, name="sessions_export"),
    path("reports/pairs.<export_format:fmt>", views.pairs_export, name="pairs_export"),
    path("reports/programs/<slug:slug>/weights/", views.weight_change, name="weight_change"),
]
