from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone

from core.admin import ModelAdmin
from governance.models import ScimIdentity, ScimToken, token_digest


@admin.register(ScimToken)
class ScimTokenAdmin(ModelAdmin):
    list_display = ["name", "created_by", "created_at", "last_used_at", "revoked_at"]
    fields = ["name"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            secret = ScimToken.new_secret()
            obj.digest = token_digest(secret)
            obj.created_by = request.user
            messages.warning(
                request, f"Copy the token now; it is not kept and will not be shown again: {secret}"
            )
        super().save_model(request, obj, form, change)

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset) -> None:
        queryset.filter(revoked_at=None).update(revoked_at=timezone.now())


@admin.register(ScimIdentity)
class ScimIdentityAdmin(ModelAdmin):
    list_display = ["user_name", "user", "external_id", "updated_at"]
    search_fields = ["user_name", "user__email", "external_id"]
    readonly_fields = ["id", "user", "user_name", "external_id", "resource", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False  # the identity provider provisions people
