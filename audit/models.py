from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")


class AuditEvent(models.Model):
    """Who did what to which object, when and from where. Never content: object labels are
    names and titles, `detail` holds field names and flags, not what anyone wrote."""

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        MFA_ADDED = "mfa_added", "Two-factor method added"
        MFA_REMOVED = "mfa_removed", "Two-factor method removed"
        MFA_RECOVERY_CODES = "mfa_recovery_codes", "Recovery codes regenerated"
        ROLE_CHANGED = "role_changed", "Role or permission changed"
        COORDINATOR_ADDED = "coordinator_added", "Coordinator added"
        COORDINATOR_REMOVED = "coordinator_removed", "Coordinator removed"
        IMPORT_CONFIRMED = "import_confirmed", "Import confirmed"
        MATCHING_PUBLISHED = "matching_published", "Matching published"
        PAIR_CLOSED = "pair_closed", "Pair ended"
        REPORT_VIEWED = "report_viewed", "Report viewed"
        DOWNLOAD = "download", "Export or download"
        SCIM_CHANGE = "scim_change", "Provisioning change"
        DATA_EXPORT = "data_export", "Personal data exported"
        DATA_ERASURE = "data_erasure", "Person erased"
        SETTINGS_CHANGED = "settings_changed", "Settings changed"

    at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    actor_label = models.CharField(max_length=254, blank=True, editable=False)
    action = models.CharField(max_length=30, choices=Action, db_index=True, editable=False)
    object_type = models.CharField(max_length=100, blank=True, editable=False)
    object_id = models.CharField(max_length=64, blank=True, editable=False)
    object_label = models.CharField(max_length=200, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)
    detail = models.JSONField(default=dict, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or '—'} {self.get_action_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None or kwargs.get("force_update"):
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries are removed only by the retention setting.")
