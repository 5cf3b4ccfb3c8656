from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """What a person can switch off. Account and security mail (sign-in codes, password
    resets, invitations to a program) is not in any category and always goes out."""

    MEETINGS = "meetings", _("Meeting invitations, changes and cancellations")
    REMINDERS = "reminders", _("Reminders before a meeting, and “How did it go?” after it")
    CHECKINS = "checkins", _("Goal check-ins")
    NUDGES = "nudges", _("A nudge when my pair has not met for a while")
    PULSE = "pulse", _("A one-question survey on how useful my mentoring is, every few weeks")
    REQUESTS = "requests", _("Reminders about mentor requests, and requests that expired")
    DIGEST = "digest", _("The coordinator's daily digest")
    MESSAGES = "messages", _("New messages from my pair (at most one email a quarter hour)")
    REPORTS = "reports", _("The monthly participation report (HR viewers)")


class WebhookEvent(models.TextChoices):
    """What an endpoint can subscribe to. Payloads carry ids, states and times, never notes or
    any other text people wrote (notifications.webhooks)."""

    ENROLMENT_CREATED = "enrolment.created", "Enrolment created"
    MATCHING_PUBLISHED = "matching.published", "Matching published"
    MENTORSHIP_STATUS_CHANGED = "mentorship.status_changed", "Mentorship status changed"
    SESSION_LOGGED = "session.logged", "Session logged"


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """A receiver of signed event deliveries, registered by a site admin."""

    url = models.URLField(max_length=500)
    secret = models.CharField(
        max_length=100,
        default=new_webhook_secret,
        help_text="Signs every delivery (see the README: verifying a delivery).",
    )
    events = models.JSONField(default=list, help_text="The WebhookEvent values it receives.")
    active = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["url", "pk"]

    def __str__(self) -> str:
        return self.description or self.url


class Dispatch(models.Model):
    """One message to one person, or one event delivery to one webhook endpoint: the outbox
    row that makes sending exactly-once.

    The key (kind, object_id, occurrence, recipient or endpoint) is unique, so planning a
    message twice, even from scans running at the same time, leaves one row; a worker sends
    only the row it claimed with a conditional update (notifications.services.dispatch_send)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    kind = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField(help_text="The meeting, pair, request… it is about.")
    occurrence = models.CharField(
        max_length=80, blank=True, help_text="Which one of the object's messages of this kind."
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="dispatches",
        null=True,
        blank=True,
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        null=True,
        blank=True,
    )
    payload = models.JSONField(
        default=dict, blank=True, help_text="A webhook delivery's event data, as it happened."
    )
    response_code = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The webhook receiver's last HTTP status."
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    due_at = models.DateTimeField(default=timezone.now, help_text="Not sent before this.")
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_at", "-pk"]
        verbose_name_plural = "dispatches"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "occurrence", "recipient"], name="one_dispatch_per_key"
            ),
            models.UniqueConstraint(
                fields=["kind", "object_id", "occurrence", "endpoint"],
                condition=Q(endpoint__isnull=False),
                name="one_delivery_per_key",
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False, endpoint__isnull=True)
                | Q(recipient__isnull=True, endpoint__isnull=False),
                name="dispatch_to_a_person_or_an_endpoint",
            ),
        ]
        indexes = [
            # The scan's query: status IN (pending, sending) AND due_at <= now. (A partial
            # index would be smaller, but SQLite cannot use one with bound parameters.)
            models.Index(fields=["status", "due_at"], name="dispatch_due"),
        ]

    def __str__(self) -> str:
        to = f"user #{self.recipient_id}" if self.recipient_id else f"webhook #{self.endpoint_id}"
        return f"{self.kind} #{self.object_id} {self.occurrence} → {to}"

    @property
    def key(self) -> str:
        to = self.recipient_id or f"webhook{self.endpoint_id}"
        return f"{self.kind}:{self.object_id}:{self.occurrence}:{to}"


class Preference(models.Model):
    """A person's choice for one category: by email (`enabled`), in the app's inbox (`in_app`),
    both or neither. No row means both."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    category = models.CharField(max_length=20, choices=Category)
    enabled = models.BooleanField("by email", default=True)
    in_app = models.BooleanField("in the app", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="one_preference_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.category}: {'on' if self.enabled else 'off'}"


class QuietHours(models.Model):
    """When a person wants no email that can wait (kinds registered with quiet=True), in their
    own time zone; what falls in them goes out when they end. Equal times mean no quiet hours."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiet_hours"
    )
    starts = models.TimeField()
    ends = models.TimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "quiet hours"

    def __str__(self) -> str:
        return f"{self.starts:%H:%M}–{self.ends:%H:%M}"


class InboxItem(models.Model):
    """A message as it appears in the person's inbox in the app: what the email said, made
    from the same outbox row (one item per row, however often its sending is retried)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_items"
    )
    dispatch = models.OneToOneField(
        Dispatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbox_item"
    )
    subject = models.CharField(max_length=300)
    body = models.TextField()
    url = models.URLField(max_length=500, blank=True, help_text="The page the message is about.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="inbox_unread")]

    def __str__(self) -> str:
        return f"Inbox item #{self.pk} for user #{self.user_id}"
