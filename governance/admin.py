from __future__ import annotations

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils import timezone

from core.admin import ModelAdmin
from governance.models import ScimIdentity, ScimToken, token_digest
from profiles.models import Person


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


# A site admin erases a person from the directory list: the action opens the confirmation page.
# profiles cannot import this app (layers), so the action is added to its admin from here.
@admin.action(description="Erase the selected person (data-subject request)…")
def erase_person(modeladmin, request, queryset):
    if queryset.count() != 1:
        messages.error(request, "Select exactly one person to erase.")
        return None
    return redirect("privacy:person_erase", pk=queryset.get().pk)


_person_admin = admin.site._registry.get(Person)
if _person_admin is not None:
    # Only superusers may erase; the page itself 404s for everyone else.
    _person_admin.actions = [*(_person_admin.actions or []), erase_person]
