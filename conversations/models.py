"""A pair's messages. The text is for the pair alone: coordinators and HR see counts and dates
(conversations.selectors.activity_of), and a coordinator sees the text of one message only when
a member reports it to them (MessageReport)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

MAX_LENGTH = 4000


class Message(models.Model):
    """One message in a mentorship's thread (a group is one mentorship with several mentees,
    so it has one thread too)."""

    mentorship = models.ForeignKey(
        "relationships.Mentorship", on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey("profiles.Person", on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["mentorship", "id"], name="message_thread")]

    def __str__(self) -> str:
        # Never the text: this string shows up in logs and the admin.
        return f"Message #{self.pk} in mentorship #{self.mentorship_id}"


class ThreadRead(models.Model):
    """How far a member has read their pair's thread: every message after `last_read_id` not
    written by them is unread."""

    mentorship = models.ForeignKey(
        "relationships.Mentorship", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey("profiles.Person", on_delete=models.CASCADE, related_name="+")
    last_read_id = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "person"], name="one_read_mark_per_member"
            )
        ]

    def __str__(self) -> str:
        return (
            f"Person #{self.person_id} read mentorship #{self.mentorship_id} to {self.last_read_id}"
        )


class MessageReport(models.Model):
    """A member shares one message with the coordinators of the pair's program."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey("profiles.Person", on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["message", "reporter"], name="one_report_per_member")
        ]

    def __str__(self) -> str:
        return f"Report of message #{self.message_id}"
