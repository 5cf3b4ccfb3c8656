from __future__ import annotations

from django.contrib import admin, messages

from core.admin import ModelAdmin
from notifications.models import Dispatch, Preference
from notifications.services import dispatch_retry


@admin.register(Dispatch)
class DispatchAdmin(ModelAdmin):
    list_display = [
        "kind",
        "object_id",
        "occurrence",
        "recipient",
        "status",
        "due_at",
        "attempts",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["recipient__email", "kind", "occurrence"]
    date_hierarchy = "due_at"
    list_select_related = ["recipient"]
    actions = ["send_again"]

    def get_readonly_fields(self, request, obj=None):
        # Rows are the record of what was sent: change them through the action, not by hand.
        return [f.name for f in Dispatch._meta.fields] if obj else []

    @admin.display(description="last error")
    def short_error(self, dispatch: Dispatch) -> str:
        return dispatch.last_error[:80]

    @admin.action(description="Send again (failed or skipped only)")
    def send_again(self, request, queryset) -> None:
        count = dispatch_retry(dispatch_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, f"{count} message(s) queued again.", messages.SUCCESS)


@admin.register(Preference)
class PreferenceAdmin(ModelAdmin):
    list_display = ["user", "category", "enabled", "updated_at"]
    list_filter = ["category", "enabled"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
