from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from core.forms import VariantSubmit
from matching.forms import MAX_WEIGHT
from programs.models import Cohort, Program
from reports.periods import month_end, month_number, month_start, parse_month
from reports.selectors import ReportFilters

MONTHS_OFFERED = 72  # six years back, the current month included


def month_choices(empty: str, today: dt.date) -> list[tuple[str, str]]:
    """Whole months only, latest first: a range that splits a month is never asked for
    (reports.periods)."""
    current = month_number(today)
    months = [month_start(n) for n in range(current, current - MONTHS_OFFERED, -1)]
    return [("", empty)] + [(m.strftime("%Y-%m"), formats.date_format(m, "F Y")) for m in months]


class ReportFilterForm(forms.Form):
    program = forms.ModelChoiceField(
        label=_("Program"),
        queryset=Program.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("All programs"),
    )
    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("All cohorts"),
    )
    department = forms.ChoiceField(label=_("Department"), required=False)
    since = forms.ChoiceField(label=_("From (month)"), required=False)
    until = forms.ChoiceField(label=_("To (month)"), required=False)

    def __init__(
        self, *args, programs: QuerySet[Program] | None, departments: list[str], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.programs = programs
        visible = Program.objects.all() if programs is None else programs
        self.fields["program"].queryset = visible.order_by("name")
        self.fields["cohort"].queryset = (
            Cohort.objects.filter(program__in=visible)
            .select_related("program")
            .order_by("program__name", "name")
        )
        self.fields["department"].choices = [
            ("", _("All departments")),
            *((d, d) for d in departments if d),
        ]
        today = timezone.localdate()
        self.fields["since"].choices = month_choices(_("From the start"), today)
        self.fields["until"].choices = month_choices(_("Up to today"), today)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row row-cols-md-auto g-2 align-items-end"
        self.helper.form_id = "report-filters"
        self.helper.disable_csrf = True
        self.helper.add_input(VariantSubmit("", _("Apply"), variant="secondary"))

    def clean_since(self) -> dt.date | None:
        value = self.cleaned_data["since"]
        return month_start(parse_month(value)) if value else None

    def clean_until(self) -> dt.date | None:
        value = self.cleaned_data["until"]
        return month_end(parse_month(value)) if value else None

    def clean(self) -> dict:
        data = super().clean()
        program, cohort = data.get("program"), data.get("cohort")
        if program and cohort and cohort.program_id != program.pk:
            self.add_error("cohort", _("This cohort belongs to another program."))
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end of the range comes before its start."))
        return data

    def filters(self) -> ReportFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return ReportFilters(
            programs=self.programs,
            program=data.get("program"),
            cohort=data.get("cohort"),
            department=data.get("department") or None,
            since=data.get("since"),
            until=data.get("until"),
        )


class WeightChangeForm(forms.Form):
    """The button under a suggested weight change: which criterion, from what, to what (the
    service checks all three against the program's weights now)."""

    criterion = forms.CharField(max_length=80, widget=forms.HiddenInput)
    current = forms.IntegerField(min_value=0, max_value=MAX_WEIGHT, widget=forms.HiddenInput)
    suggested = forms.IntegerField(min_value=0, max_value=MAX_WEIGHT, widget=forms.HiddenInput)
    # The report's filters, to come back to the same report afterwards.
    query = forms.CharField(max_length=1000, required=False, widget=forms.HiddenInput)
