from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from core.forms import CrispyFormMixin
from core.widgets import SearchableChoiceInput
from profiles.languages import ISO_639_1
from profiles.photos import PhotoRefused, photo_from_upload
from profiles.services import WeeklyTuple, availability_normalised
from users.models import timezone_choices


class ProfileForm(CrispyFormMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_(
            "Type a city to search, e.g. Berlin. Every time you see is shown in this zone."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("Pages and emails in this language. Leave blank to follow your browser."),
    )
    job_title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    department = forms.CharField(label=_("Department"), max_length=120, required=False)
    location = forms.CharField(label=_("Location"), max_length=120, required=False)
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        help_text=_("ISO 639-1 codes separated by ; (e.g. en; de)."),
    )
    bio = forms.CharField(label=_("Bio"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    # A plain file field: Django's ImageField would call an image bomb "not an image";
    # profiles.photos says which refusal it is.
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )
    remove_photo = forms.BooleanField(label=_("Remove my photo"), required=False)

    def __init__(self, *args, has_photo: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        zones = timezone_choices()
        self.fields["timezone"].choices = zones
        self.fields["timezone"].widget = SearchableChoiceInput(zones)
        self.fields["language"].choices = [("", _("As my browser says")), *settings.LANGUAGES]
        self.fields["photo"].help_text = _(
            "JPEG, PNG, GIF or WebP, up to %(limit)s. Shown to your pairs and their "
            "coordinators, cropped to a square; we keep no camera or location data from it."
        ) % {"limit": filesizeformat(settings.PROFILE_PHOTO_MAX_BYTES)}
        if not has_photo:
            del self.fields["remove_photo"]

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        try:
            return photo_from_upload(upload)
        except PhotoRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None

    def clean_languages(self) -> list[str]:
        codes = [c.strip().lower() for c in self.cleaned_data["languages"].split(";")]
        codes = [c for c in dict.fromkeys(codes) if c]
        unknown = [c for c in codes if c not in ISO_639_1]
        if unknown:
            raise forms.ValidationError(
                _("Not ISO 639-1 language codes: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return codes


DAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = r"(\d{1,2})(?:[:.h](\d{2}))?"
# "9-12", "09:00 - 12:00", "9.30 to 12", and the en dash the form shows.
_RANGE = re.compile(rf"^{_TIME}\s*(?:-|\u2013|\u2014|to)\s*{_TIME}$")


def _minute(hours: str, minutes: str | None) -> int | None:
    value = int(hours) * 60 + int(minutes or 0)
    if int(minutes or 0) >= 60 or value > 24 * 60:
        return None
    return value


def format_minute(value: int) -> str:
    return f"{value // 60:02d}:{value % 60:02d}"


def format_day(ranges: list[tuple[int, int]]) -> str:
    """A day's ranges as the availability form shows them: "09:00-12:00, 14:00-17:30"."""
    return ", ".join(
        f"{format_minute(start)}\N{EN DASH}{format_minute(end)}" for start, end in ranges
    )


def parse_day(text: str) -> list[tuple[int, int]]:
    ranges = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        match = _RANGE.match(part.lower())
        start = match and _minute(match[1], match[2])
        end = match and _minute(match[3], match[4])
        if not match or start is None or end is None:
            raise forms.ValidationError(
                _("“%(part)s” is not a range like 09:00-12:00.") % {"part": part[:40]}
            )
        if end == 0:
            end = 24 * 60  # "22:00-00:00" ends at midnight
        if start >= end:
            raise forms.ValidationError(
                _(
                    "“%(part)s” ends before it starts; for a range over midnight, end this day "
                    "at 24:00 and go on the next day from 00:00."
                )
                % {"part": part[:40]}
            )
        ranges.append((start, end))
    return ranges


class AvailabilityForm(CrispyFormMixin, forms.Form):
    """The week, one field a day: "09:00-12:00, 14:00-17:30", on the person's own clock."""

    def __init__(self, *args, ranges: list[WeeklyTuple] | None = None, **kwargs) -> None:
        if ranges is not None:
            kwargs["initial"] = {
                name: format_day([(s, e) for d, s, e in ranges if d == day])
                for day, name in enumerate(DAY_FIELDS)
            }
        super().__init__(*args, **kwargs)
        for day, name in enumerate(DAY_FIELDS):
            self.fields[name] = forms.CharField(label=WEEKDAYS[day], required=False, max_length=200)
            self.fields[name].widget.attrs["placeholder"] = _("e.g. 09:00-12:00, 14:00-17:00")

    def clean(self):
        data = super().clean()
        for name in DAY_FIELDS:
            if name in data:
                try:
                    data[name] = parse_day(data[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return data

    def weekly(self) -> list[WeeklyTuple]:
        return availability_normalised(
            (day, start, end)
            for day, name in enumerate(DAY_FIELDS)
            for start, end in self.cleaned_data[name]
        )
