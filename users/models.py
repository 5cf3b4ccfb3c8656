from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not an IANA time zone (e.g. Europe/Berlin).") % {"value": value}
        )


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def with_rights(self) -> QuerySet[User]:
        """Accounts with rights beyond a participant's: site admins, coordinators of a program,
        HR viewers, and anyone given a permission (directly or through a group). They sign in
        with their password, never by an invitation link, and a coordinator's import leaves
        their directory record alone."""
        return self.filter(
            Q(is_staff=True)
            | Q(is_superuser=True)
            | Q(is_hr_viewer=True)
            | Q(coordinated_programs__isnull=False)
            | Q(user_permissions__isnull=False)
            | Q(groups__permissions__isnull=False)
        ).distinct()


class User(AbstractBaseUser, PermissionsMixin):
    """A person who can sign in. The email address is the login; there is no username."""

    email = models.EmailField(gettext_lazy("email address"), unique=True)
    first_name = models.CharField(gettext_lazy("first name"), max_length=150, blank=True)
    last_name = models.CharField(gettext_lazy("last name"), max_length=150, blank=True)
    timezone = models.CharField(
        gettext_lazy("timezone"),
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text=gettext_lazy("Every time you see is shown in this time zone."),
    )
    language = models.CharField(
        gettext_lazy("language"),
        max_length=10,
        blank=True,
        help_text=gettext_lazy("The language of pages and emails; blank follows the browser."),
    )
    is_hr_viewer = models.BooleanField(
        gettext_lazy("HR viewer"),
        default=False,
        help_text=gettext_lazy("May see organisation-wide aggregate reports (never notes)."),
    )
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def sees_everyones_data(self) -> bool:
        """Site admins, coordinators of a program and HR viewers: the people whom
        TWO_FACTOR_REQUIRED asks for a second factor."""
        return (
            self.is_staff
            or self.is_superuser
            or self.is_hr_viewer
            or self.coordinated_programs.exists()
        )

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email


def language_of(user) -> str:
    """The language a person reads: their own choice, else the site's (emails have no browser)."""
    codes = {code for code, _name in settings.LANGUAGES}
    chosen = getattr(user, "language", "")
    return chosen if chosen in codes else settings.LANGUAGE_CODE
