from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.dateranges import validate_calendar_date


class Person(models.Model):
    """A directory entry: one per user, filled from the HR import or by the person.

    People known only as someone's manager are valid entries; they need never sign in.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person"
    )
    department = models.CharField(_("department"), max_length=120, blank=True, db_index=True)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    seniority = models.PositiveSmallIntegerField(
        _("seniority"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("1 (entry level) to 10 (executive)."),
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        help_text=_("The reporting line, from the HR directory."),
    )
    languages = models.JSONField(
        _("languages"), default=list, blank=True, help_text=_("ISO 639-1 codes, e.g. en, de.")
    )
    location = models.CharField(_("location"), max_length=120, blank=True)
    bio = models.TextField(_("bio"), blank=True)
    # HR's data, from the import or SCIM: what the retention figures (reports.retention) read.
    grade = models.CharField(
        _("grade"),
        max_length=40,
        blank=True,
        help_text=_("Grade or level, as HR names it, e.g. G7."),
    )
    left_on = models.DateField(
        _("left on"),
        null=True,
        blank=True,
        validators=[validate_calendar_date],
        help_text=_("The day the person left the organisation, from HR."),
    )
    # Re-encoded by profiles.photos, served only through views that check who may see it.
    photo = models.ImageField(_("photo"), upload_to="photos/", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # A coordinator's import enrols people; changing the directory record of someone outside
        # their programs (or of anyone with rights) takes this permission. Site admins have it.
        permissions = [
            ("manage_directory", "May change anyone's directory record (name, manager, …)")
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.email

    @property
    def initials(self) -> str:
        """What stands in for a photo: first letters of the first and last name."""
        parts = [self.user.first_name, self.user.last_name]
        letters = "".join(part.strip()[:1] for part in parts if part.strip())
        return (letters or self.user.email[:1]).upper()

    @property
    def local_time(self) -> datetime:
        """Now, on this person's clock."""
        return datetime.now(ZoneInfo(self.user.timezone or "UTC"))

    @property
    def local_time_label(self) -> str:
        """Now on this person's clock, as text: a datetime would be shown in the viewer's zone."""
        return f"{self.local_time:%H:%M}"

    @property
    def language_names(self) -> list[str]:
        return [LANG_INFO.get(code, {}).get("name", code) for code in self.languages]

    @property
    def photo_version(self) -> str:
        """Changes with the photo, so a browser's cached copy is not shown after a new one."""
        return self.photo.name.rsplit("/", 1)[-1].removesuffix(".jpg") if self.photo else ""


class AvailabilityRange(models.Model):
    """A weekly range when a person is free to meet, on their own clock (their time zone, which
    they may change; the range stays on the wall clock). Weekday 0 is Monday; the range is in
    minutes after midnight, and an end of 1440 is the midnight that ends the day. Scheduling
    turns these into real moments date by date (scheduling.slots)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)])
    start_minute = models.PositiveSmallIntegerField(validators=[MaxValueValidator(24 * 60 - 1)])
    end_minute = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )

    class Meta:
        ordering = ["person", "weekday", "start_minute"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekday__lte=6)
                & models.Q(start_minute__lt=models.F("end_minute"))
                & models.Q(end_minute__lte=24 * 60),
                name="availability_range_in_a_day",
            ),
            models.UniqueConstraint(
                fields=["person", "weekday", "start_minute"], name="availability_range_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Availability of person #{self.person_id}: day {self.weekday}"


class GradeChange(models.Model):
    """A grade that HR's data changed from one value to another, dated the day the change was
    recorded (the import or SCIM update that brought it). A first grade, or one cleared, is no
    change. The retention report counts these within a year of a cohort's start."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="grade_changes")
    before = models.CharField(max_length=40)
    after = models.CharField(max_length=40)
    changed_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "changed_on", "pk"]
        indexes = [models.Index(fields=["person", "changed_on"])]

    def __str__(self) -> str:
        return f"{self.person}: {self.before} → {self.after} on {self.changed_on}"
