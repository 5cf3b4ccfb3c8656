from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dateranges import validate_calendar_date
from programs.roles import BY_FORMAT, RoleLabels

# Said the same way by both sides, so it holds in every format: peers have no mentor, and in
# reverse mentoring the senior mentee must not judge the junior mentor either.
DEFAULT_CONFIDENTIALITY = (
    "What we discuss in our sessions stays between us. Neither of us shares the other's "
    "notes, and neither of us plays any part in the other's performance reviews or pay."
)


class Format(models.TextChoices):
    ONE_TO_ONE = "one_to_one", gettext_lazy("One-to-one")
    GROUP = "group", gettext_lazy("Group")
    PEER = "peer", gettext_lazy("Peer")
    REVERSE = "reverse", gettext_lazy("Reverse")
    FLASH = "flash", gettext_lazy("Flash")


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", gettext_lazy("In person")
    VIDEO = "video", gettext_lazy("Video")
    PHONE = "phone", gettext_lazy("Phone")
    CHAT = "chat", gettext_lazy("Chat")


class Program(models.Model):
    class Enrolment(models.TextChoices):
        OPEN = "open", gettext_lazy("Open: anyone signed in can apply")
        INVITE_ONLY = "invite_only", gettext_lazy("Invite only")

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    format = models.CharField(max_length=20, choices=Format, default=Format.ONE_TO_ONE)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="coordinated_programs", blank=True
    )
    default_capacity = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=gettext_lazy(
            "How many mentees a mentor takes unless their enrolment says otherwise."
        ),
    )
    cadence_days = models.PositiveSmallIntegerField(
        gettext_lazy("meeting cadence (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=gettext_lazy("Pairs are expected to meet this often."),
    )
    pulse_every_days = models.PositiveSmallIntegerField(
        gettext_lazy("pulse survey every (days)"),
        default=60,
        validators=[MaxValueValidator(365)],
        help_text=gettext_lazy(
            "A short “how useful is your mentoring?” check 30 days after a match, then "
            "this often. 0: no pulse surveys."
        ),
    )
    confidentiality_statement = models.TextField(default=DEFAULT_CONFIDENTIALITY)
    enrolment = models.CharField(max_length=20, choices=Enrolment, default=Enrolment.INVITE_ONLY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        permissions = [
            ("create_program", gettext_lazy("May create programs and so become a coordinator"))
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:program_detail", args=[self.slug])

    @property
    def is_open(self) -> bool:
        return self.enrolment == self.Enrolment.OPEN

    @property
    def roles(self) -> RoleLabels:
        """What this program's format calls its people (partners in a peer program)."""
        return BY_FORMAT[self.format]


class EnrolmentQuestion(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", gettext_lazy("Free text")
        SINGLE = "single", gettext_lazy("Single choice")
        MULTIPLE = "multiple", gettext_lazy("Multiple choice")
        SCALE = "scale", gettext_lazy("Scale 1–5")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="questions")
    slug = models.SlugField(
        max_length=60, help_text=gettext_lazy("The CSV column for this question's answers.")
    )
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.TEXT)
    choices = models.JSONField(
        default=list,
        blank=True,
        help_text=gettext_lazy("The options of a single or multiple choice."),
    )
    required = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "slug"], name="question_slug_per_program")
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_choice(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE)

    def answer_label(self, answer: object) -> str:
        """A stored answer as a reader sees it: the chosen options, or a point on the scale."""
        if self.kind == self.Kind.SCALE:
            return _("%(answer)s of 5") % {"answer": answer}
        return answer_text(answer)


def answer_text(answer: object) -> str:
    """An answer with no question to read it by (the question was deleted since)."""
    if isinstance(answer, list):
        return ", ".join(str(item) for item in answer)
    return str(answer)


class Cohort(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", gettext_lazy("Draft")
        ENROLLING = "enrolling", gettext_lazy("Enrolling")
        MATCHING = "matching", gettext_lazy("Matching")
        ACTIVE = "active", gettext_lazy("Active")
        CLOSED = "closed", gettext_lazy("Closed")

    # Forward through the life of a cohort, one step back from matching to enrolling (late
    # sign-ups), and closing from anywhere except once it is closed.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.DRAFT: (Status.ENROLLING, Status.CLOSED),
        Status.ENROLLING: (Status.MATCHING, Status.DRAFT, Status.CLOSED),
        Status.MATCHING: (Status.ACTIVE, Status.ENROLLING, Status.CLOSED),
        Status.ACTIVE: (Status.CLOSED,),
        Status.CLOSED: (),
    }

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    start_date = models.DateField(null=True, blank=True, validators=[validate_calendar_date])
    end_date = models.DateField(null=True, blank=True, validators=[validate_calendar_date])
    enrolment_opens = models.DateField(null=True, blank=True, validators=[validate_calendar_date])
    enrolment_closes = models.DateField(null=True, blank=True, validators=[validate_calendar_date])
    status = models.CharField(max_length=12, choices=Status, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="cohort_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program.name}: {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("programs:cohort_detail", args=[self.slug])

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    @property
    def next_statuses(self) -> list[tuple[str, str]]:
        return [(s, self.Status(s).label) for s in self.TRANSITIONS[self.status]]

    @property
    def side_counts(self) -> tuple[int, ...]:
        """The people on each of `program.roles.sides`, from `cohorts_with_counts`."""
        if self.program.roles.one_pool:
            return (self.mentor_count,)
        return (self.mentor_count, self.mentee_count)

    @property
    def accepts_applications(self) -> bool:
        return self.status == self.Status.ENROLLING and self.program.is_open

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The cohort must end after it starts.")})
        if (
            self.enrolment_opens
            and self.enrolment_closes
            and self.enrolment_closes < self.enrolment_opens
        ):
            raise ValidationError({"enrolment_closes": _("Enrolment must close after it opens.")})


class Enrolment(models.Model):
    class Role(models.TextChoices):
        MENTOR = "mentor", gettext_lazy("Mentor")
        MENTEE = "mentee", gettext_lazy("Mentee")
        BOTH = "both", gettext_lazy("Both (peer)")

    class Status(models.TextChoices):
        INVITED = "invited", gettext_lazy("Invited")
        APPLIED = "applied", gettext_lazy("Applied")
        APPROVED = "approved", gettext_lazy("Approved")
        DECLINED = "declined", gettext_lazy("Declined")
        WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")

    # Status "invited" before any invitation went out (imported, waiting for the coordinator).
    NOT_INVITED = "not_invited"
    NOT_INVITED_LABEL = gettext_lazy("Imported, not invited yet")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrolments")
    person = models.ForeignKey(
        "profiles.Person", on_delete=models.CASCADE, related_name="enrolments"
    )
    role = models.CharField(max_length=10, choices=Role)
    status = models.CharField(max_length=10, choices=Status, default=Status.INVITED)
    expertise = models.JSONField(
        default=list, blank=True, help_text=gettext_lazy("What a mentor offers.")
    )
    interests = models.JSONField(
        default=list, blank=True, help_text=gettext_lazy("What a mentee wants.")
    )
    capacity = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=gettext_lazy("Mentees this mentor takes; empty means the program's default."),
    )
    preferred_format = models.CharField(
        max_length=12,
        choices=MeetingFormat,
        blank=True,
        help_text=gettext_lazy("Empty: no preference."),
    )
    availability = models.CharField(max_length=300, blank=True)
    answers = models.JSONField(
        default=dict,
        blank=True,
        help_text=gettext_lazy("Answers to the program's questions, by slug."),
    )
    invitation_sent_at = models.DateTimeField(null=True, blank=True)
    invitations_sent = models.PositiveSmallIntegerField(default=0)
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cohort", "person"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "person"], name="one_enrolment_per_cohort")
        ]
        indexes = [models.Index(fields=["cohort", "status", "role"])]

    def __str__(self) -> str:
        return f"{self.person} in {self.cohort} as {self.get_role_display()}"

    @property
    def status_label(self) -> str:
        """The status as people should read it: "invited" only once an invitation went out."""
        if self.status == self.Status.INVITED and self.invitation_sent_at is None:
            return str(self.NOT_INVITED_LABEL)
        return self.get_status_display()

    @property
    def is_mentor(self) -> bool:
        return self.role in (self.Role.MENTOR, self.Role.BOTH)

    @property
    def is_mentee(self) -> bool:
        return self.role in (self.Role.MENTEE, self.Role.BOTH)

    @property
    def role_label(self) -> str:
        return self.cohort.program.roles.of(self.role)

    def answer_rows(self) -> list[tuple[str, str]]:
        """(question, answer) in the program's order, for every page and export that shows
        answers. Answers to a question deleted since stay on record: they come last, under
        the CSV column they were given in. Prefetch `cohort__program__questions` for lists."""
        answers = dict(self.answers or {})
        rows = [
            (question.text, question.answer_label(answers.pop(question.slug)))
            for question in self.cohort.program.questions.all()
            if question.slug in answers
        ]
        rows += [(slug, answer_text(answer)) for slug, answer in answers.items()]
        return rows

    @property
    def effective_capacity(self) -> int:
        return self.capacity or self.cohort.program.default_capacity


class ParticipantImport(models.Model):
    """An uploaded participant CSV between its preview and the coordinator's confirmation.

    The file is validated again on confirmation: the directory may have changed since."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(max_length=255)
    content = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} for {self.cohort}"


class FlashEvent(models.Model):
    """When and where a flash cohort meets: one afternoon of short rounds.

    Created with the cohort of a flash program (`programs.services.cohort_create`). The rounds'
    plan, attendance and what people chose afterwards live in the `flash` app."""

    cohort = models.OneToOneField(Cohort, on_delete=models.CASCADE, related_name="flash_event")
    starts_at = models.DateTimeField(
        gettext_lazy("starts at"), null=True, blank=True, help_text=gettext_lazy("First round.")
    )
    rounds = models.PositiveSmallIntegerField(
        gettext_lazy("rounds"), default=6, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    round_minutes = models.PositiveSmallIntegerField(
        gettext_lazy("minutes per round"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    break_minutes = models.PositiveSmallIntegerField(
        gettext_lazy("minutes between rounds"),
        default=2,
        validators=[MaxValueValidator(60)],
    )
    table_size = models.PositiveSmallIntegerField(
        gettext_lazy("mentees per table"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
        help_text=gettext_lazy("How many mentees a mentor talks with at once."),
    )
    follow_on_cohort = models.ForeignKey(
        Cohort,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="flash_sources",
        verbose_name=gettext_lazy("follow-on cohort"),
        help_text=gettext_lazy(
            "A one-to-one cohort where pairs who choose each other after the event are proposed."
        ),
    )

    class Meta:
        verbose_name = gettext_lazy("flash event")

    def __str__(self) -> str:
        return str(self.cohort)

    def clean(self) -> None:
        super().clean()
        if self.starts_at is not None and None not in (
            self.rounds,
            self.round_minutes,
            self.break_minutes,
        ):
            try:
                self.round_ends(self.rounds)
            except OverflowError:
                raise ValidationError(
                    {"starts_at": gettext_lazy("The event would end after the year 9999.")}
                ) from None

    def round_starts(self, round_: int) -> dt.datetime | None:
        """When round `round_` (1-based) begins, or None while the event has no start."""
        if self.starts_at is None:
            return None
        step = dt.timedelta(minutes=self.round_minutes + self.break_minutes)
        return self.starts_at + (round_ - 1) * step

    def round_ends(self, round_: int) -> dt.datetime | None:
        start = self.round_starts(round_)
        return None if start is None else start + dt.timedelta(minutes=self.round_minutes)

    @property
    def ends_at(self) -> dt.datetime | None:
        return self.round_ends(self.rounds)


class FlashTable(models.Model):
    """Where one mentor hosts for the whole event: a table's name, a room, or a video link."""

    event = models.ForeignKey(FlashEvent, on_delete=models.CASCADE, related_name="tables")
    name = models.CharField(gettext_lazy("name"), max_length=100)
    link = models.URLField(gettext_lazy("video link"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="flash_table_name_per_event")
        ]

    def __str__(self) -> str:
        return self.name
