from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Category(models.TextChoices):
    """What a person can switch off. Account and security mail (sign-in codes, password
    resets, invitations to a program) is not in any category and always goes out."""

    MEETINGS = "meetings", "Meeting invitations, changes and cancellations"
    REMINDERS = "reminders", "Reminders before a meeting, and “How did it go?” after it"
    CHECKINS = "checkins", "Goal check-ins"
    NUDGES = "nudges", "A nudge when my pair has not met for a while"
    REQUESTS = "requests", "Reminders about mentor requests, and requests that expired"
    DIGEST = "digest", "The coordinator's daily digest"
    MESSAGES = "messages", "New messages from my pair (at most one email a quarter hour)"


class Dispatch(models.Model):
    """One message to one person: the outbox row that makes sending exactly-once.

    The key (kind, object_id, occurrence, recipient) is unique, so planning a message twice,
    even from scans running at the same time, leaves one row; a worker sends only the row it
    claimed with a conditional update (notifications.services.dispatch_send)."""

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
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dispatches"
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
            )
        ]
        indexes = [
            # The scan's query: status IN (pending, sending) AND due_at <= now. (A partial
            # index would be smaller, but SQLite cannot use one with bound parameters.)
            models.Index(fields=["status", "due_at"], name="dispatch_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} {self.occurrence} → user #{self.recipient_id}"

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.object_id}:{self.occurrence}:{self.recipient_id}"


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
