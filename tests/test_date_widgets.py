"""Date and time fields show their value in the HTML format whatever the language, so a form
saved unchanged sends the same value back (see core/widgets.py)."""

from __future__ import annotations

import datetime as dt
import importlib
import zoneinfo
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.utils import timezone, translation

from core import widgets
from goals.forms import GoalEditForm
from programs.forms import CohortForm
from programs.models import Cohort

KOLKATA = zoneinfo.ZoneInfo("Asia/Kolkata")


@pytest.mark.parametrize("language", ["en-gb", "en-us", "de", "fr"])
def test_date_time_and_datetime_inputs_render_the_html_value_in_every_language(language):
    with translation.override(language):
        assert widgets.DateInput().format_value(dt.date(2027, 3, 1)) == "2027-03-01"
        assert widgets.TimeInput().format_value(dt.time(14, 30, 15)) == "14:30"
        assert (
            widgets.DateTimeInput().format_value(dt.datetime(2027, 3, 1, 14, 30, 15))
            == "2027-03-01T14:30"
        )


def test_a_datetime_is_shown_in_the_viewers_time_zone():
    at = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
    with timezone.override(KOLKATA):
        assert widgets.DateTimeInput().format_value(at) == "2027-03-01T14:30"

        class Form(forms.Form):
            at = forms.DateTimeField(widget=widgets.DateTimeInput())

        assert 'value="2027-03-01T14:30"' in str(Form(initial={"at": at})["at"])


def test_the_cohort_form_shows_its_dates_as_the_browser_takes_them():
    cohort = Cohort(
        start_date=dt.date(2027, 3, 1),
        end_date=dt.date(2027, 9, 30),
        enrolment_opens=dt.date(2027, 1, 11),
        enrolment_closes=dt.date(2027, 2, 12),
    )
    with translation.override("en-gb"):
        html = str(CohortForm(instance=cohort))
    assert html.count('type="date"') == 4
    for value in ("2027-03-01", "2027-09-30", "2027-01-11", "2027-02-12"):
        assert f'value="{value}"' in html


def test_the_goal_form_shows_its_target_date_as_the_browser_takes_it():
    from goals.models import Goal

    with translation.override("en-gb"):
        html = str(GoalEditForm(instance=Goal(target_date=dt.date(2027, 6, 30)))["target_date"])
    assert 'type="date"' in html and 'value="2027-06-30"' in html


def project_forms() -> list[type[forms.BaseForm]]:
    """Every form class defined in the project's own apps."""
    ours = [c.name for c in apps.get_app_configs() if Path(c.path).parent == settings.BASE_DIR]
    for app in ours:
        try:
            importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError as error:
            if error.name != f"{app}.forms":
                raise
    found, todo = [], [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in ours:
                found.append(sub)
    return found


HTML_WIDGETS = {
    forms.DateTimeField: widgets.DateTimeInput,
    forms.DateField: widgets.DateInput,
    forms.TimeField: widgets.TimeInput,
}


def test_every_date_and_time_field_of_every_form_uses_the_html_value_widgets():
    checked, wrong = 0, []
    for form in project_forms():
        for name, field in form.base_fields.items():
            for field_class, widget_class in HTML_WIDGETS.items():
                if isinstance(field, field_class):
                    checked += 1
                    if not isinstance(field.widget, widget_class):
                        wrong.append(f"{form.__module__}.{form.__name__}.{name}")
                    break
    assert checked >= 10  # the cohort's four dates, the goal's, the session's, the meeting's...
    assert wrong == []
