from __future__ import annotations

from django.contrib import admin
from django.db import models

from core.admin import ModelAdmin
from scheduling.models import CalendarFeed, Meeting, ReminderSchedule


@admin.register(Meeting)
class MeetingAdmin(ModelAdmin):
    # The agenda is the pair's content: not listed, and not searchable.
    list_display = ["pk", "mentorship", "start", "duration_minutes", "status", "sequence"]
    # By date with a filter, not date_hierarchy: its year list converts every stored value to
    # the viewer's zone in the database, and a value an older version allowed overflows there.
    list_filter = ["status", "format", "start"]
    raw_id_fields = ["mentorship", "scheduled_by"]
    readonly_fields = ["uid", "sequence"]
    exclude = ["agenda"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(ReminderSchedule)
class ReminderScheduleAdmin(ModelAdmin):
    list_display = ["program", "offsets_minutes", "updated_at"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ModelAdmin):
    list_display = ["user", "created_at", "last_read_at"]
    search_fields = ["user__email"]
    # The token is a credential: never shown, only revoked (deleted).
    exclude = ["token"]
    readonly_fields = ["created_at", "last_read_at"]
