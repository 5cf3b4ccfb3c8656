from __future__ import annotations

from django.contrib import admin

from api.models import ApiToken
from api.services import api_token_revoke
from core.admin import ModelAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(ModelAdmin):
    """Site admins see every token and revoke any; tokens are made only by their owners (the
    secret is shown to them alone), and the hash is never shown."""

    list_display = [
        "name",
        "user",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["scope", "expires_at", "revoked_at"]
    search_fields = ["user__email", "name", "prefix"]
    exclude = ["digest"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset) -> None:
        for token in queryset:
            api_token_revoke(token=token)
        self.message_user(request, f"Revoked {queryset.count()} token(s).")
