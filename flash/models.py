"""A flash event's rotation: who meets whom in which round, who came, whom they chose after.

The event itself (when, how many rounds, the tables) is `programs.FlashEvent`; the planner is
`matching.engine.flash`. Rounds are numbered from 1, as people say them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class RotationPlan(models.Model):
    """The latest plan of an event and its figures. Re-planning replaces the meetings of the
    rounds not yet held and keeps the held ones (`held_rounds`)."""

    event = models.OneToOneField(
        "programs.FlashEvent", on_delete=models.CASCADE, related_name="plan"
    )
    planned_at = models.DateTimeField()
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    held_rounds = models.PositiveSmallIntegerField(
        default=0, help_text=_("Rounds already held when this plan was made; they were kept.")
    )
    published_at = models.DateTimeField(null=True, blank=True)
    objective = models.FloatField(default=0.0, help_text=_("Total score over the event."))
    upper_bound = models.FloatField(default=0.0)
    seconds = models.FloatField(default=0.0)
    # Per round: {"round": 1, "seated": 40, "sitting_out": [person ids], "held": false}
    rounds = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("rotation plan")

    def __str__(self) -> str:
        return str(self.event)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Meeting(models.Model):
    """One mentee at one mentor's table for one round."""

    event = models.ForeignKey(
        "programs.FlashEvent", on_delete=models.CASCADE, related_name="meetings"
    )
    round = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    mentee = models.ForeignKey(
        "profiles.Person", on_delete=models.CASCADE, related_name="flash_meetings_as_mentee"
    )
    mentor = models.ForeignKey(
        "profiles.Person", on_delete=models.CASCADE, related_name="flash_meetings_as_mentor"
    )
    table = models.ForeignKey(
        "programs.FlashTable",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
    )
    score = models.FloatField(default=0.0)

    class Meta:
        ordering = ["event", "round", "table__position", "mentor", "mentee"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "round", "mentee"], name="flash_one_table_per_round"
            ),
            # Nobody meets the same person twice at an event.
            models.UniqueConstraint(
                fields=["event", "mentee", "mentor"], name="flash_no_pair_twice"
            ),
            models.CheckConstraint(
                condition=~Q(mentee=F("mentor")), name="flash_nobody_meets_themselves"
            ),
        ]
        indexes = [models.Index(fields=["event", "mentor", "round"])]

    def __str__(self) -> str:
        return f"Round {self.round}: {self.mentee} with {self.mentor}"


class Attendance(models.Model):
    """Someone who did not come, or came late. Everyone without a row is expected throughout."""

    event = models.ForeignKey(
        "programs.FlashEvent", on_delete=models.CASCADE, related_name="attendance"
    )
    person = models.ForeignKey("profiles.Person", on_delete=models.CASCADE, related_name="+")
    arrives_round = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("The first round they are there for; empty for a no-show."),
    )
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="flash_attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.event}"

    @property
    def is_no_show(self) -> bool:
        return self.arrives_round is None

    def absent_in(self, round_: int) -> bool:
        return self.arrives_round is None or round_ < self.arrives_round


class Choice(models.Model):
    """After the event: `person` would like to continue with `chosen`. Mutual choices become
    proposed pairs in the event's follow-on cohort."""

    event = models.ForeignKey(
        "programs.FlashEvent", on_delete=models.CASCADE, related_name="choices"
    )
    person = models.ForeignKey("profiles.Person", on_delete=models.CASCADE, related_name="+")
    chosen = models.ForeignKey("profiles.Person", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "person", "chosen"], name="flash_choice_once"),
            models.CheckConstraint(
                condition=~Q(person=F("chosen")), name="flash_nobody_chooses_themselves"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} chose {self.chosen}"


class SurveyResponse(models.Model):
    """The short survey after an event: ratings only, so reports can show them all."""

    event = models.ForeignKey(
        "programs.FlashEvent", on_delete=models.CASCADE, related_name="survey_responses"
    )
    person = models.ForeignKey("profiles.Person", on_delete=models.CASCADE, related_name="+")
    usefulness = models.PositiveSmallIntegerField(
        _("how useful was the event?"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    met_fit = models.BooleanField(_("I met at least one person I would like to learn from"))
    would_return = models.BooleanField(_("I would come to another flash event"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="flash_survey_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.event}"
