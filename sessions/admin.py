"""Sessions in the admin: when and how they happened, never what was said. Shared notes are
left out, and private notes are not registered at all (nor decrypted anywhere here)."""

from __future__ import annotations

from django.contrib import admin

from core.admin import ModelAdmin
from sessions.models import SessionLog


@admin.register(SessionLog)
class SessionLogAdmin(ModelAdmin):
    list_display = [
        "__str__",
        "mentorship",
        "occurred_at",
        "duration_minutes",
        "format",
        "confirmed_at",
    ]
    # A date filter, not date_hierarchy: see MeetingAdmin.
    list_filter = ["format", "occurred_at"]
    fields = [
        "mentorship",
        "occurred_at",
        "duration_minutes",
        "format",
        "logged_by",
        "confirmed_by",
        "confirmed_at",
        "corrected",
    ]
    raw_id_fields = ["mentorship", "logged_by", "confirmed_by"]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        # What the pair logged is theirs to correct; an admin may only record a missing one.
        return self.fields if obj is not None else []
