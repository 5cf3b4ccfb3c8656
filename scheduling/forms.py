from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dateranges import meeting_start_error
from core.widgets import DATETIME_FORMAT, DateTimeInput
from scheduling.models import MAX_REMINDER_OFFSET, Meeting

DURATIONS = [
    (15, _("15 minutes")),
    (30, _("30 minutes")),
    (45, _("45 minutes")),
    (60, _("1 hour")),
    (90, _("1½ hours")),
    (120, _("2 hours")),
    (180, _("3 hours")),
]


class MeetingForm(forms.ModelForm):
    """`start` is typed in the scheduler's own time zone and stored in UTC. A wall-clock time
    that does not exist there (skipped by a daylight-saving change) or exists twice is
    refused rather than guessed."""

    start = forms.DateTimeField(
        label=_("Start"),
        widget=DateTimeInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
    )
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    duration_minutes = forms.TypedChoiceField(
        label=_("Duration"), choices=DURATIONS, coerce=int, initial=60
    )

    class Meta:
        model = Meeting
        fields = ["start", "duration_minutes", "format", "location", "video_url", "agenda"]
        widgets = {"agenda": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, zone: zoneinfo.ZoneInfo, submit_label: str = _("Save"), **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["start"].help_text = _("Your time (%(zone)s).") % {"zone": zone.key}
        if self.instance.pk:
            # Shown in the scheduler's zone, as typed; naive so the widget shows it as is.
            self.initial["start"] = self.instance.start.astimezone(zone).replace(tzinfo=None)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", submit_label))

    def full_clean(self) -> None:
        # Django reads a naive datetime in the active zone: make that the scheduler's.
        with timezone.override(self.zone):
            super().full_clean()

    def clean_start(self) -> datetime:
        start = self.cleaned_data["start"]
        if message := meeting_start_error(start):
            raise forms.ValidationError(message)
        return start

    def clean(self):
        data = super().clean()
        if data.get("format") == "video" and not data.get("video_url"):
            self.add_error("video_url", _("Add the video link for a video meeting."))
        return data


_OFFSET = re.compile(r"^\s*(\d+)\s*(m|min|h|d)\s*$")
_UNIT = {"m": 1, "min": 1, "h": 60, "d": 24 * 60}


def format_offsets(offsets: list[int]) -> str:
    def one(minutes: int) -> str:
        if minutes % (24 * 60) == 0:
            return f"{minutes // (24 * 60)}d"
        if minutes % 60 == 0:
            return f"{minutes // 60}h"
        return f"{minutes}m"

    return ", ".join(one(m) for m in offsets)


class ReminderScheduleForm(forms.Form):
    offsets = forms.CharField(
        label=_("Remind before each meeting"),
        help_text=_("Comma-separated, e.g. “1d, 1h” or “48h, 2h, 15m” (at most five)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))

    def clean_offsets(self) -> list[int]:
        values = []
        for part in self.cleaned_data["offsets"].split(","):
            if not part.strip():
                continue
            match = _OFFSET.match(part.lower())
            if not match:
                raise forms.ValidationError(
                    _("“%(part)s” is not like 1d, 2h or 15m.") % {"part": part.strip()}
                )
            minutes = int(match[1]) * _UNIT[match[2]]
            if not 1 <= minutes <= MAX_REMINDER_OFFSET:
                raise forms.ValidationError(_("Each reminder is 1 minute to 14 days before."))
            values.append(minutes)
        if not values or len(set(values)) > 5:
            raise forms.ValidationError(_("Give one to five reminder times."))
        return sorted(set(values), reverse=True)


BOOKING_DURATIONS = [(minutes, label) for minutes, label in DURATIONS if minutes <= 120]


class BookingLengthForm(forms.Form):
    """How long the meeting is to be: the offered times change with it (a GET form)."""

    duration_minutes = forms.TypedChoiceField(
        label=_("Length"), choices=BOOKING_DURATIONS, coerce=int, initial=60
    )
    week = forms.TypedChoiceField(label=_("Days"), coerce=int, initial=0)

    def __init__(self, *args, weeks: list[str], **kwargs):
        """`weeks`: how each week of the booking window reads, e.g. "2-8 December"."""
        super().__init__(*args, **kwargs)
        self.fields["week"].choices = list(enumerate(weeks))
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.add_input(Submit("show", _("Show times"), css_class="btn-secondary"))

    def choice(self) -> tuple[int, int]:
        """The length in minutes and the week asked for; the first week of an hour otherwise."""
        if not self.is_valid():
            return 60, 0
        return self.cleaned_data["duration_minutes"], self.cleaned_data["week"]


class BookingForm(forms.Form):
    """One offered slot picked: its start (UTC, ISO 8601) and the meeting's length. The page
    shows each slot as a button of its own; whether the slot is still free is the view's
    question, asked again when the button is pressed."""

    start = forms.CharField(max_length=40)
    duration_minutes = forms.TypedChoiceField(choices=BOOKING_DURATIONS, coerce=int)

    def clean_start(self) -> datetime:
        try:
            start = datetime.fromisoformat(self.cleaned_data["start"])
            if timezone.is_naive(start):
                raise ValueError("no time zone")
            return start.astimezone(UTC)
        except (ValueError, OverflowError):
            raise forms.ValidationError(_("Pick one of the offered times.")) from None
