from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dateranges import validate_calendar_date


class Goal(models.Model):
    """A goal the mentee owns (in a peer pair, each person owns theirs); the pair sees it.

    Goal text is content: coordinators and HR only ever see counts, so `__str__` carries no text
    (it shows up in the Django admin and in error reports)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Dropped")

    mentorship = models.ForeignKey(
        "relationships.Mentorship", on_delete=models.CASCADE, related_name="goals"
    )
    owner = models.ForeignKey("profiles.Person", on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=200)
    success_measure = models.TextField(_("how success is measured"), blank=True)
    target_date = models.DateField(
        _("target date"), null=True, blank=True, validators=[validate_calendar_date]
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["mentorship", "status"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="goal_progress_max")
        ]

    def __str__(self) -> str:
        return f"Goal #{self.pk}"


class Milestone(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    done_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"Milestone #{self.pk}"

    @property
    def done(self) -> bool:
        return self.done_at is not None


class CheckIn(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="checkins")
    author = models.ForeignKey("profiles.Person", on_delete=models.CASCADE, related_name="+")
    date = models.DateField(default=timezone.localdate)
    progress = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    note = models.CharField(max_length=280, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = "check-in"

    def __str__(self) -> str:
        return f"Check-in #{self.pk}"
