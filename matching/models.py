from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from matching.engine import ConstraintSettings, ScoreSettings, default_weights

# Program formats the engine matches; flash programs rotate and are not matched here.
MATCHABLE_FORMATS = ("one_to_one", "group", "peer", "reverse")
QUESTION_PREFIX = "q:"
DEFAULT_QUESTION_WEIGHT = 10.0


class MatchingSettings(models.Model):
    """How one program scores and filters pairs, and whether mentees may ask for a mentor.

    Created on first use with the defaults of the program's format."""

    class Department(models.TextChoices):
        DIFFERENT = "different", _lazy("Prefer a mentor from a different department")
        SAME = "same", _lazy("Prefer a mentor from the same department")

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="matching_settings"
    )
    weights = models.JSONField(
        default=dict, blank=True, help_text=_lazy("Criterion -> weight (0 ignores it).")
    )
    department_preference = models.CharField(
        _lazy("department preference"),
        max_length=10,
        choices=Department,
        default=Department.DIFFERENT,
    )
    max_tz_gap_hours = models.PositiveSmallIntegerField(
        _lazy("maximum time-zone gap (hours)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(12)],
        help_text=_lazy("Empty: no limit."),
    )
    exclude_same_department = models.BooleanField(
        _lazy("never pair people from the same department"), default=False
    )
    exclude_same_manager = models.BooleanField(
        _lazy("never pair people with the same direct manager"), default=False
    )
    exclude_earlier_pairs = models.BooleanField(
        _lazy("never repeat a pairing from an earlier cohort of this program"), default=False
    )
    requests_allowed = models.BooleanField(
        _lazy("mentees may request a mentor themselves"), default=False
    )
    max_requests = models.PositiveSmallIntegerField(
        _lazy("open requests per mentee"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    request_expiry_days = models.PositiveSmallIntegerField(
        _lazy("requests expire after (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _lazy("matching settings")
        verbose_name_plural = _lazy("matching settings")

    def __str__(self) -> str:
        return f"Matching settings of {self.program}"

    @property
    def engine_format(self) -> str:
        fmt = self.program.format
        return fmt if fmt in MATCHABLE_FORMATS else "one_to_one"

    def effective_weights(self, question_slugs: list[str]) -> dict[str, float]:
        """Saved weights over the format's defaults; choice questions start at a small weight.

        Questions deleted since the weights were saved drop out."""
        weights: dict[str, float] = default_weights(self.engine_format)
        for slug in question_slugs:
            weights[f"{QUESTION_PREFIX}{slug}"] = DEFAULT_QUESTION_WEIGHT
        for name, value in (self.weights or {}).items():
            if name in weights:
                weights[name] = float(value)
        return weights

    def score_settings(self, question_slugs: list[str]) -> ScoreSettings:
        return ScoreSettings.for_format(
            self.engine_format,
            weights=self.effective_weights(question_slugs),
            department=self.department_preference,
        )

    def constraint_settings(self) -> ConstraintSettings:
        return ConstraintSettings(
            max_tz_gap_hours=self.max_tz_gap_hours,
            exclude_same_department=self.exclude_same_department,
            exclude_same_manager=self.exclude_same_manager,
        )

    def snapshot(self, question_slugs: list[str]) -> dict[str, object]:
        return {
            "format": self.program.format,
            "weights": self.effective_weights(question_slugs),
            "department_preference": self.department_preference,
            "max_tz_gap_hours": self.max_tz_gap_hours,
            "exclude_same_department": self.exclude_same_department,
            "exclude_same_manager": self.exclude_same_manager,
            "exclude_earlier_pairs": self.exclude_earlier_pairs,
        }


class MatchRun(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _lazy("Draft")
        PUBLISHED = "published", _lazy("Published")

    cohort = models.ForeignKey(
        "programs.Cohort", on_delete=models.CASCADE, related_name="match_runs"
    )
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    settings_snapshot = models.JSONField(default=dict)
    seconds = models.FloatField(default=0)
    timings = models.JSONField(default=dict, help_text=_lazy("Seconds per step."))
    objective = models.FloatField(default=0, help_text=_lazy("Sum of the proposals' scores."))
    method = models.CharField(max_length=40, blank=True)
    n_mentees = models.PositiveIntegerField(default=0)
    n_mentors = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _lazy("match run")
        verbose_name_plural = _lazy("match runs")
        # A cohort may publish several runs: each later run matches only the people still
        # without a partner, around the mentorships published before.
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Match run #{self.pk} of {self.cohort}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def side_counts(self) -> tuple[int, ...]:
        """The people on each of `program.roles.sides` (a peer pool is one side)."""
        if self.cohort.program.roles.one_pool:
            return (self.n_mentees,)
        return (self.n_mentors, self.n_mentees)

    def summary(self, pairs: int) -> str:
        """Who this run matched (`pairs` proposals), in the program's words. A peer pair is
        one proposal that places two people from the one pool."""
        roles = self.cohort.program.roles
        if roles.one_pool:
            return ngettext(
                "%(matched)d of %(people)d %(partners)s matched in %(pairs)d pair",
                "%(matched)d of %(people)d %(partners)s matched in %(pairs)d pairs",
                pairs,
            ) % {
                "matched": 2 * pairs,
                "people": self.n_mentees,
                "partners": roles.mentors,
                "pairs": pairs,
            }
        return _(
            "%(matched)d of %(mentees)d %(mentee_label)s matched with %(mentors)d %(mentor_label)s"
        ) % {
            "matched": pairs,
            "mentees": self.n_mentees,
            "mentee_label": roles.mentees,
            "mentors": self.n_mentors,
            "mentor_label": roles.mentors,
        }


class Proposal(models.Model):
    class Source(models.TextChoices):
        SOLVER = "solver", _lazy("Solver")
        MANUAL = "manual", _lazy("Paired by hand")
        # Both chose each other after a flash event (flash.follow_on).
        FLASH = "flash", _lazy("Chose each other at a flash event")

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    mentee = models.ForeignKey("programs.Enrolment", on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey("programs.Enrolment", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    breakdown = models.JSONField(default=dict, help_text=_lazy("Points per criterion."))
    locked = models.BooleanField(default=False)
    source = models.CharField(max_length=10, choices=Source, default=Source.SOLVER)
    mentorship = models.ForeignKey(
        "relationships.Mentorship",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _lazy("proposal")
        verbose_name_plural = _lazy("proposals")
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="one_proposal_per_mentee")
        ]

    def __str__(self) -> str:
        return f"{self.mentee_id} ↔ {self.mentor_id} ({self.score:.2f})"


class Unmatched(models.Model):
    class Reason(models.TextChoices):
        NO_FEASIBLE_MENTOR = "no_feasible_mentor", _lazy("No mentor passes the constraints")
        CAPACITY_USED = "capacity_used", _lazy("Every suitable mentor is full")
        REJECTED = "rejected", _lazy("Pair rejected by a coordinator")

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="unmatched")
    mentee = models.ForeignKey("programs.Enrolment", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=Reason)
    candidates = models.JSONField(
        default=list, help_text=_lazy("Best feasible mentors: [{enrolment, name, email, score}].")
    )
    rejection = models.ForeignKey(
        "ForbiddenPair",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_lazy("The rejected pair, when the reason is a rejection."),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _lazy("unmatched")
        verbose_name_plural = _lazy("unmatched")

    def __str__(self) -> str:
        return f"{self.mentee_id}: {self.get_reason_display()}"

    @property
    def reason_label(self) -> str:
        """The reason in the program's words (no "mentor" in a peer pool)."""
        mentor = self.run.cohort.program.roles.mentor
        if self.reason == self.Reason.REJECTED:
            return _("Pair rejected by a coordinator")
        if self.reason == self.Reason.CAPACITY_USED:
            return _("Every suitable %(mentor)s is already taken") % {"mentor": mentor}
        return _("No %(mentor)s passes the constraints") % {"mentor": mentor}

    @property
    def rejected_partner(self):
        """The other person of the rejected pair (either side of it, in a peer program)."""
        if self.rejection is None:
            return None
        rejection = self.rejection
        return (
            rejection.mentee if rejection.mentor_id == self.mentee.person_id else rejection.mentor
        )


class ForbiddenPair(models.Model):
    """A pair a coordinator rejected: never proposed again in this cohort."""

    cohort = models.ForeignKey(
        "programs.Cohort", on_delete=models.CASCADE, related_name="forbidden_pairs"
    )
    mentee = models.ForeignKey("profiles.Person", on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey("profiles.Person", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    run = models.ForeignKey(
        MatchRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rejections",
        help_text=_lazy("The run whose proposal was rejected."),
    )

    class Meta:
        verbose_name = _lazy("forbidden pair")
        verbose_name_plural = _lazy("forbidden pairs")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "mentee", "mentor"], name="forbidden_pair_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentee_id} ↮ {self.mentor_id} in {self.cohort_id}"


class MentorRequest(models.Model):
    """A mentee asking a mentor directly, where the program allows it."""

    class Status(models.TextChoices):
        PENDING = "pending", _lazy("Pending")
        ACCEPTED = "accepted", _lazy("Accepted")
        DECLINED = "declined", _lazy("Declined")
        WITHDRAWN = "withdrawn", _lazy("Withdrawn")
        EXPIRED = "expired", _lazy("Expired")

    cohort = models.ForeignKey(
        "programs.Cohort", on_delete=models.CASCADE, related_name="mentor_requests"
    )
    mentee = models.ForeignKey(
        "programs.Enrolment", on_delete=models.CASCADE, related_name="requests_made"
    )
    mentor = models.ForeignKey(
        "programs.Enrolment", on_delete=models.CASCADE, related_name="requests_received"
    )
    message = models.TextField(blank=True)
    score = models.FloatField(default=0)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    mentorship = models.ForeignKey(
        "relationships.Mentorship",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _lazy("mentor request")
        verbose_name_plural = _lazy("mentor requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["mentee", "mentor"], name="one_request_per_pair")
        ]
        indexes = [models.Index(fields=["cohort", "status", "expires_at"])]

    def __str__(self) -> str:
        return f"Request #{self.pk} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_overdue(self) -> bool:
        """Pending past its expiry date: nobody answered in time."""
        return self.is_pending and self.expires_at <= timezone.now()


def matching_lock_key(cohort) -> str:
    """The key of the one matching job a cohort may have under way (jobs.models.Job)."""
    return f"matching:cohort:{cohort.pk}"
