"""Date and time inputs that show their value in the format the browser's field accepts.

A browser's date, time and datetime-local fields take only the HTML value formats
(`2027-03-01`, `14:30`, `2027-03-01T14:30`) whatever the language of the page; a value in any
other format (Django's default is the locale's first input format, `01/03/2027` in en-GB) is
dropped, and the form is sent back with the field empty. These widgets always render the HTML
format; the form fields accept it in every locale (Django adds the ISO formats to every list).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

DATE_FORMAT = "%Y-%m-%d"
TIME_FORMAT = "%H:%M"
DATETIME_FORMAT = f"{DATE_FORMAT}T{TIME_FORMAT}"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format=DATE_FORMAT)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format=TIME_FORMAT)


class DateTimeInput(forms.DateTimeInput):
    """A wall-clock time in the viewer's time zone (the active one), to the minute."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format=DATETIME_FORMAT)

    def format_value(self, value):
        # A form field hands over a naive time already in the active zone; an aware one given
        # to the widget directly is shown there too, not in the zone it happens to carry.
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return super().format_value(value)


class SearchableChoiceInput(forms.TextInput):
    """A text field that suggests its choices as you type (an HTML datalist): a time zone is
    found by typing "Berl" instead of scrolling a 600-item list. The form field stays a
    ChoiceField, so only a listed value is accepted."""

    template_name = "core/widgets/searchable_choice.html"

    def __init__(self, choices=(), attrs: dict | None = None) -> None:
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.choices = list(choices)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        list_id = f"{context['widget']['attrs'].get('id') or name}-choices"
        context["widget"]["attrs"]["list"] = list_id
        context["widget"]["list_id"] = list_id
        context["widget"]["choices"] = self.choices
        return context
