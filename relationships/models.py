from __future__ import annotations

from django.conf import settings
from django.db import models


class Mentorship(models.Model):
    """A mentor and one mentee (one-to-one, reverse, peer) or several (group)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"
        CLOSED = "closed", "Closed early"

    class Source(models.TextChoices):
        MATCHING = "matching", "Matching"
        REQUEST = "request", "Mentee request"
        MANUAL = "manual", "Set up by a coordinator"

    class CloseReason(models.TextChoices):
        GOALS_MET = "goals_met", "Goals met"
        NO_TIME = "no_time", "No time"
        NOT_A_GOOD_FIT = "not_a_good_fit", "Not a good fit"
        LEFT_ORGANISATION = "left_organisation", "Left the organisation"
        OTHER = "other", "Other"

    cohort = models.ForeignKey(
        "programs.Cohort", on_delete=models.CASCADE, related_name="mentorships"
    )
    mentor = models.ForeignKey(
        "profiles.Person", on_delete=models.CASCADE, related_name="mentorships_as_mentor"
    )
    mentees = models.ManyToManyField("profiles.Person", related_name="mentorships_as_mentee")
    status = models.CharField(max_length=10, choices=Status, default=Status.PROPOSED)
    source = models.CharField(max_length=10, choices=Source, default=Source.MATCHING)
    close_reason = models.CharField(max_length=20, choices=CloseReason, blank=True)
    close_comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["cohort", "status"])]

    def __str__(self) -> str:
        return f"Mentorship #{self.pk} ({self.mentor})"


class MentorshipEvent(models.Model):
    """Who changed a mentorship's status, when, and why: the audit trail."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"
