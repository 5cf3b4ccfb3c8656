from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    Case,
    DateTimeField,
    DurationField,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from programs.models import Format, MeetingFormat
from programs.roles import RoleLabels

STALLED_AFTER = 2  # cadences without a session before a pair is stalled


class MentorshipQuerySet(models.QuerySet):
    def with_pulse(self, now: datetime | None = None) -> MentorshipQuerySet:
        """The pair's rhythm, the one place it is worked out (pages, nudges, the digest):

        - `cadence_days`: the agreed cadence, else the program's;
        - `last_session_at`, and `last_contact_at`: the last session, else the start;
        - `next_due_at`: one cadence after the last contact;
        - `stalled_at`: STALLED_AFTER cadences after it, and `stalled`: active and past that
          (Mentorship.is_stalled).
        """
        now = now or timezone.now()
        # The sessions' model through the relation: sessions sits beside relationships.
        sessions = Mentorship.sessions.field.model.objects.filter(mentorship=OuterRef("pk"))
        return self.annotate(
            cadence_days=Coalesce(F("agreement__cadence_days"), F("cohort__program__cadence_days")),
            last_session_at=Subquery(
                sessions.order_by().values("mentorship").annotate(last=Max("occurred_at"))
                .values("last"),
                output_field=DateTimeField(),
            ),
            last_contact_at=Coalesce(F("last_session_at"), F("started_at"), F("created_at")),
            next_due_at=F("last_contact_at") + _cadences(1),
            stalled_at=F("last_contact_at") + _cadences(STALLED_AFTER),
            stalled=Case(
                When(Q(status=Mentorship.Status.ACTIVE) & Q(stalled_at__lt=now), then=True),
                default=False,
            ),
        )  # fmt: skip

    def quiet_for(self, cadences: int, now: datetime) -> MentorshipQuerySet:
        """Active pairs with no session for `cadences` times their cadence, with their pulse
        and `quiet_until`: the moment they became that quiet."""
        return (
            self.with_pulse(now)
            .annotate(quiet_until=F("last_contact_at") + _cadences(cadences))
            .filter(status=Mentorship.Status.ACTIVE, quiet_until__lt=now)
        )


def _cadences(count: int) -> Days:
    return Days(F("cadence_days") * count)


class Days(models.Func):
    """A whole number of days as a duration that SQL adds to a moment (PostgreSQL has
    intervals; SQLite keeps durations as microseconds)."""

    output_field = DurationField()
    template = "make_interval(days => %(expressions)s)"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s * 86400000000)")


class Mentorship(models.Model):
    """A mentor and one mentee (one-to-one, reverse, peer) or several (group)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        COMPLETED = "completed", _("Completed")
        CLOSED = "closed", _("Closed early")

    class Source(models.TextChoices):
        MATCHING = "matching", pgettext_lazy("how a pair was formed", "Matching")
        REQUEST = "request", _("Mentee request")
        MANUAL = "manual", _("Set up by a coordinator")

    class CloseReason(models.TextChoices):
        GOALS_MET = "goals_met", _("Goals met")
        NO_TIME = "no_time", _("No time")
        NOT_A_GOOD_FIT = "not_a_good_fit", _("Not a good fit")
        LEFT_ORGANISATION = "left_organisation", _("Left the organisation")
        OTHER = "other", pgettext_lazy("close reason", "Other")

    cohort = models.ForeignKey(
        "programs.Cohort", on_delete=models.CASCADE, related_name="mentorships"
    )
    mentor = models.ForeignKey(
        "profiles.Person", on_delete=models.CASCADE, related_name="mentorships_as_mentor"
    )
    mentees = models.ManyToManyField("profiles.Person", related_name="mentorships_as_mentee")
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PROPOSED)
    source = models.CharField(_("source"), max_length=10, choices=Source, default=Source.MATCHING)
    close_reason = models.CharField(
        _("close reason"), max_length=20, choices=CloseReason, blank=True
    )
    close_comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["cohort", "status"])]

    # Pause and resume freely; end from either; proposed becomes active only through the
    # agreement (agreement_confirm), never through a plain transition.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.PROPOSED: (Status.CLOSED,),
        Status.ACTIVE: (Status.PAUSED, Status.COMPLETED, Status.CLOSED),
        Status.PAUSED: (Status.ACTIVE, Status.COMPLETED, Status.CLOSED),
        Status.COMPLETED: (),
        Status.CLOSED: (),
    }
    ENDED = (Status.COMPLETED, Status.CLOSED)

    def __str__(self) -> str:
        return f"Mentorship #{self.pk} ({self.mentor})"

    def get_absolute_url(self) -> str:
        return reverse("relationships:mentorship_detail", args=[self.pk])

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    @property
    def pause_resume(self) -> list[tuple[str, str]]:
        """The pause or resume action open now, as (action, label)."""
        if self.status == self.Status.ACTIVE:
            return [("pause", _("Pause"))]
        if self.status == self.Status.PAUSED:
            return [("resume", _("Resume"))]
        return []

    @property
    def is_ended(self) -> bool:
        return self.status in self.ENDED

    @property
    def is_peer(self) -> bool:
        return self.cohort.program.format == Format.PEER

    @property
    def roles(self) -> RoleLabels:
        return self.cohort.program.roles

    @property
    def commitment_labels(self) -> tuple[str, str]:
        """Headings for the agreement's mentor and mentee commitments. Partners in a peer pair
        have no sides, so each one's commitments go under their name."""
        if self.roles.one_pool:
            return tuple(_("%(name)s commits to") % {"name": p.name} for p in self.members()[:2])
        return (
            _("The %(role)s commits to") % {"role": self.roles.mentor},
            _("The %(role)s commits to") % {"role": self.roles.mentee},
        )

    def members(self) -> list:
        """The mentor first, then the mentees (uses a prefetch of mentees when there is one)."""
        return [self.mentor, *(m for m in self.mentees.all() if m.pk != self.mentor_id)]

    def is_member(self, person) -> bool:
        return person is not None and any(m.pk == person.pk for m in self.members())

    def goal_owners(self) -> list:
        """Mentees own goals; in a peer pair, each person owns theirs."""
        return self.members() if self.is_peer else self.members()[1:]

    @property
    def cadence(self) -> int:
        annotated = getattr(self, "cadence_days", None)
        if annotated is not None:
            return annotated
        agreement = getattr(self, "agreement", None)
        return agreement.cadence_days if agreement else self.cohort.program.cadence_days

    @property
    def is_stalled(self) -> bool:
        """Active, and no session for STALLED_AFTER times the agreed cadence (counted from the
        start when there has been none yet): MentorshipQuerySet.with_pulse's `stalled`, read
        from the annotation when the row has it."""
        if not hasattr(self, "stalled"):
            self.stalled = (
                Mentorship.objects.filter(pk=self.pk).with_pulse().values_list("stalled").get()[0]
            )
        return self.stalled


class Agreement(models.Model):
    """The mentoring agreement. Every edit starts a new version that all members confirm."""

    mentorship = models.OneToOneField(
        Mentorship, on_delete=models.CASCADE, related_name="agreement"
    )
    cadence_days = models.PositiveSmallIntegerField(
        _("meet every (days)"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    preferred_format = models.CharField(
        _("preferred format"), max_length=12, choices=MeetingFormat, blank=True
    )
    mentor_commitments = models.TextField(_("the mentor commits to"), blank=True)
    mentee_commitments = models.TextField(_("the mentee commits to"), blank=True)
    # Copied from the program: a confirmed agreement must not change under the pair's feet.
    confidentiality_statement = models.TextField()
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Agreement for mentorship #{self.mentorship_id} (v{self.version})"

    def confirmed_by(self) -> set[int]:
        """Person ids who confirmed the current version."""
        return {c.person_id for c in self.confirmations.all() if c.version == self.version}


class AgreementConfirmation(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="confirmations")
    person = models.ForeignKey("profiles.Person", on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["confirmed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "person", "version"], name="one_confirmation_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version} confirmed by person #{self.person_id}"


class MentorshipEvent(models.Model):
    """Who changed a mentorship's status, when, and why: the audit trail."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Kind(models.TextChoices):
        STATUS = "status", _("Status changed")
        AGREEMENT_UPDATED = "agreement_updated", _("Agreement updated")
        AGREEMENT_CONFIRMED = "agreement_confirmed", _("Agreement confirmed")

    kind = models.CharField(max_length=20, choices=Kind, default=Kind.STATUS)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        if self.kind != self.Kind.STATUS:
            return self.get_kind_display()
        return f"{self.from_status or 'new'} → {self.to_status}"

    @property
    def from_label(self) -> str:
        """The status before, as people read it (the stored code is for the program)."""
        return _status_label(self.from_status) if self.from_status else ""

    @property
    def to_label(self) -> str:
        return _status_label(self.to_status)


def _status_label(code: str) -> str:
    try:
        return Mentorship.Status(code).label
    except ValueError:
        return code


class ClosingQuestion(models.Model):
    """A program's own question in the closing survey, asked of each side."""

    class Kind(models.TextChoices):
        SCALE = "scale", _("Scale 1 to 5")
        TEXT = "text", _("Free text")

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="closing_questions"
    )
    text = models.CharField(_("text"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.SCALE)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class ClosingSurvey(models.Model):
    """One person's answers when a mentorship ends. HR reports aggregate the scores; the free
    text (comment and text answers) is never shown to HR."""

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="closing_surveys"
    )
    person = models.ForeignKey("profiles.Person", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(
        max_length=10, choices=[("mentor", _("Mentor")), ("mentee", _("Mentee"))]
    )
    recommend_score = models.PositiveSmallIntegerField(
        _("how likely are you to recommend this program (0 to 10)"),
        validators=[MaxValueValidator(10)],
    )
    # {question id (str): int 1 to 5 for scale questions, str for text questions}
    answers = models.JSONField(default=dict, blank=True)
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "person"], name="one_survey_per_person"),
            models.CheckConstraint(
                condition=models.Q(recommend_score__lte=10), name="recommend_score_0_to_10"
            ),
        ]

    def __str__(self) -> str:
        return f"Closing survey #{self.pk}"


class PulseAnswer(models.Model):
    """One person's answer to one pulse survey of a pair: a rating of 1 to 5 ("How useful is your
    mentoring so far?") and, optionally, a comment that reaches the coordinator only when the
    person ticks `share_with_coordinator`. Reports show the ratings in aggregate, never the
    comment. Round 0 is due 30 days after the pair started, each next one the program's
    `pulse_every_days` later (relationships.pulse)."""

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="pulse_answers"
    )
    person = models.ForeignKey("profiles.Person", on_delete=models.CASCADE, related_name="+")
    round = models.PositiveSmallIntegerField()
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)
    share_with_coordinator = models.BooleanField(default=False)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["mentorship", "round", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "person", "round"], name="one_pulse_answer_per_round"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="pulse_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"Pulse {self.round} of {self.mentorship} by {self.person}"
