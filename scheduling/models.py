from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.dateranges import RangedDateTimeField
from programs.models import MeetingFormat

# Reminders before a meeting, in minutes, unless the program sets its own.
DEFAULT_REMINDER_OFFSETS = [24 * 60, 60]
MAX_REMINDER_OFFSET = 14 * 24 * 60


def new_uid() -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"{uuid.uuid4()}@{domain}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class Meeting(models.Model):
    """A meeting a pair has planned. `start` is UTC; each person sees it in their own zone."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    mentorship = models.ForeignKey(
        "relationships.Mentorship", on_delete=models.CASCADE, related_name="meetings"
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    start = RangedDateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    format = models.CharField(
        _("format"), max_length=12, choices=MeetingFormat, default=MeetingFormat.VIDEO
    )
    location = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    # Calendar clients match updates by UID and keep the highest SEQUENCE.
    uid = models.CharField(max_length=120, unique=True, default=new_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status, default=Status.SCHEDULED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "pk"]
        indexes = [
            # The reminder and follow-up scans: scheduled meetings in a window of time.
            models.Index(fields=["status", "start"], name="meeting_status_start"),
            models.Index(fields=["mentorship", "start"], name="meeting_mentorship_start"),
        ]

    def __str__(self) -> str:
        return f"Meeting #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("scheduling:meeting_detail", args=[self.pk])

    @property
    def end(self):
        return self.start + timedelta(minutes=self.duration_minutes)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def where(self) -> str:
        return self.video_url or self.location or self.get_format_display()


class ReminderSchedule(models.Model):
    """When a program's meeting reminders go out, in minutes before the start."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="reminder_schedule"
    )
    offsets_minutes = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Reminders for {self.program}"

    def clean(self) -> None:
        offsets = self.offsets_minutes
        if not isinstance(offsets, list) or len(offsets) > 5:
            raise ValidationError(_("Give at most five reminder times."))
        for value in offsets:
            if not isinstance(value, int) or not 1 <= value <= MAX_REMINDER_OFFSET:
                raise ValidationError(_("Each reminder is 1 minute to 14 days before the meeting."))


class CalendarFeed(models.Model):
    """A person's private calendar address. Whoever has the token reads the feed, so it can
    be revoked, and renewed (which revokes the old one)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_read_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of user #{self.user_id}"

    def get_absolute_url(self) -> str:
        return reverse("scheduling:calendar_feed", args=[self.token])
