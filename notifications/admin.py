from __future__ import annotations

from django import forms
from django.contrib import admin, messages

from core.admin import ModelAdmin
from notifications.models import Dispatch, Preference, WebhookEndpoint, WebhookEvent
from notifications.services import dispatch_retry, webhook_test_send


@admin.register(Dispatch)
class DispatchAdmin(ModelAdmin):
    list_display = [
        "kind",
        "object_id",
        "occurrence",
        "recipient",
        "endpoint",
        "status",
        "due_at",
        "attempts",
        "response_code",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "kind", "endpoint"]
    search_fields = ["recipient__email", "kind", "occurrence"]
    date_hierarchy = "due_at"
    list_select_related = ["recipient", "endpoint"]
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


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events", "active", "secret"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ModelAdmin):
    """Receivers of signed events; every delivery is a row in the outbox (Dispatch), with the
    receiver's response code."""

    form = WebhookEndpointForm
    list_display = ["url", "description", "event_list", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["url", "description"]
    actions = ["send_test_event"]

    @admin.display(description="events")
    def event_list(self, endpoint: WebhookEndpoint) -> str:
        return ", ".join(endpoint.events)

    @admin.action(description="Send test event")
    def send_test_event(self, request, queryset) -> None:
        ids = webhook_test_send(endpoints=list(queryset))
        self.message_user(
            request,
            f"Test event queued for {len(ids)} endpoint(s); see the deliveries in Dispatches.",
            messages.SUCCESS,
        )
