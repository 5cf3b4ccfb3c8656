from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import QuerySet

from core.dateranges import validate_calendar_date
from core.widgets import DateInput
from programs.models import Cohort, Program
from reports.selectors import ReportFilters


class ReportFilterForm(forms.Form):
    program = forms.ModelChoiceField(
        queryset=Program.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="All programs",
    )
    cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="All cohorts",
    )
    department = forms.ChoiceField(required=False)
    since = forms.DateField(
        label="From", required=False, widget=DateInput(), validators=[validate_calendar_date]
    )
    until = forms.DateField(
        label="To", required=False, widget=DateInput(), validators=[validate_calendar_date]
    )

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
            ("", "All departments"),
            *((d, d) for d in departments if d),
        ]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row row-cols-md-auto g-2 align-items-end"
        self.helper.form_id = "report-filters"
        self.helper.disable_csrf = True
        self.helper.add_input(Submit("", "Apply", css_class="btn-secondary"))

    def clean(self) -> dict:
        data = super().clean()
        program, cohort = data.get("program"), data.get("cohort")
        if program and cohort and cohort.program_id != program.pk:
            self.add_error("cohort", "This cohort belongs to another program.")
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The end of the range comes before its start.")
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
