from __future__ import annotations

from django.contrib import admin

from core.admin import ModelAdmin
from jobs.models import Job


@admin.register(Job)
class JobAdmin(ModelAdmin):
    list_display = ["title", "kind", "state", "created_by", "created_at", "attempts", "finished_at"]
    list_filter = ["state", "kind"]
    search_fields = ["title", "created_by__email"]
    date_hierarchy = "created_at"
    list_select_related = ["created_by"]

    def get_readonly_fields(self, request, obj=None):
        # The record of what ran: jobs are started and cancelled from their pages.
        return [f.name for f in Job._meta.fields] if obj else []

    def has_add_permission(self, request) -> bool:
        return False
