from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.dateranges import RangedDateTimeField
from programs.models import MeetingFormat


class SessionLog(models.Model):
    """A meeting as one side logged it; the other side confirms it or corrects it.

    Shared notes are for the pair only; `__str__` carries no content."""

    mentorship = models.ForeignKey(
        "relationships.Mentorship", on_delete=models.CASCADE, related_name="sessions"
    )
    occurred_at = RangedDateTimeField("date and time")
    duration_minutes = models.PositiveSmallIntegerField(
        "duration (minutes)", validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    format = models.CharField(max_length=12, choices=MeetingFormat)
    topics = models.JSONField(default=list, blank=True)
    goals_discussed = models.ManyToManyField("goals.Goal", blank=True, related_name="sessions")
    shared_notes = models.TextField(blank=True)
    logged_by = models.ForeignKey(
        "profiles.Person", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        "profiles.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    corrected = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["mentorship", "occurred_at"])]
        constraints = [
            # A pair meets once at a given time: a second log of it is a double submit.
            models.UniqueConstraint(
                fields=["mentorship", "occurred_at"], name="one_session_log_per_pair_and_time"
            )
        ]

    def __str__(self) -> str:
        return f"Session #{self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sessions:session_detail", args=[self.pk])

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class SessionRating(models.Model):
    """Each side's rating of a session; the feedback is for the pair."""

    session = models.ForeignKey(SessionLog, on_delete=models.CASCADE, related_name="ratings")
    person = models.ForeignKey("profiles.Person", on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    feedback = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="one_rating_per_person"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"Rating #{self.pk}"


class PrivateNote(models.Model):
    """One person's private note on a session: only its author can ever read it.

    The body is stored encrypted (sessions.crypto) and decrypted only by
    sessions.selectors.private_note_body, which takes the reader and checks authorship. No
    admin, export or template reads `ciphertext`."""

    session = models.ForeignKey(SessionLog, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey("profiles.Person", on_delete=models.CASCADE, related_name="+")
    ciphertext = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "author"], name="one_private_note_per_author"
            )
        ]

    def __str__(self) -> str:
        return f"Private note #{self.pk}"
