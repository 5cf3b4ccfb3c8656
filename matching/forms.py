from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from matching.directory import DirectoryFilters, Facets
from matching.engine import CRITERIA
from matching.explain import CRITERION_LABELS
from matching.models import QUESTION_PREFIX, MatchingSettings
from programs.roles import RoleLabels

MAX_WEIGHT = 100


def weight_field_name(criterion: str) -> str:
    return "weight_" + criterion.replace(QUESTION_PREFIX, "q_", 1).replace("-", "_")


class MatchingSettingsForm(forms.ModelForm):
    class Meta:
        model = MatchingSettings
        fields = [
            "department_preference",
            "max_tz_gap_hours",
            "exclude_same_department",
            "exclude_same_manager",
            "exclude_earlier_pairs",
            "requests_allowed",
            "max_requests",
            "request_expiry_days",
        ]

    def __init__(self, *args, questions: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        weights = self.instance.effective_weights(list(questions))
        labels = dict(CRITERION_LABELS) | {
            f"{QUESTION_PREFIX}{slug}": _("Question: %(text)s") % {"text": text}
            for slug, text in questions.items()
        }
        self.criteria = [*CRITERIA, *(f"{QUESTION_PREFIX}{slug}" for slug in questions)]
        for criterion in self.criteria:
            self.fields[weight_field_name(criterion)] = forms.IntegerField(
                label=labels[criterion],
                min_value=0,
                max_value=MAX_WEIGHT,
                initial=round(weights[criterion]),
            )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                _("Weights (0 ignores a criterion; scores are shares of the total)"),
                *(weight_field_name(c) for c in self.criteria),
                "department_preference",
            ),
            Fieldset(
                _("Hard constraints (besides self, reporting line and capacity)"),
                "max_tz_gap_hours",
                "exclude_same_department",
                "exclude_same_manager",
                "exclude_earlier_pairs",
            ),
            Fieldset(
                _("Mentee requests"),
                "requests_allowed",
                "max_requests",
                "request_expiry_days",
            ),
        )
        self.helper.add_input(Submit("submit", _("Save settings")))

    def clean(self) -> dict:
        data = super().clean()
        values = [data.get(weight_field_name(c)) for c in self.criteria]
        if all(v is not None for v in values) and not any(values):
            raise forms.ValidationError(_("Give at least one criterion a weight above 0."))
        return data

    def save(self, commit: bool = True) -> MatchingSettings:
        self.instance.weights = {
            c: float(self.cleaned_data[weight_field_name(c)]) for c in self.criteria
        }
        return super().save(commit=commit)


class PairByHandForm(forms.Form):
    mentee = forms.EmailField()
    mentor = forms.EmailField()

    def __init__(self, *args, roles: RoleLabels, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if roles.one_pool:
            # Both are partners: the labels must still tell the two fields apart.
            self.fields["mentee"].label = _("First %(role)s's email") % {"role": roles.mentee}
            self.fields["mentor"].label = _("Second %(role)s's email") % {"role": roles.mentor}
        else:
            self.fields["mentee"].label = capfirst(_("%(role)s's email") % {"role": roles.mentee})
            self.fields["mentor"].label = capfirst(_("%(role)s's email") % {"role": roles.mentor})


class MentorRequestForm(forms.Form):
    mentor = forms.IntegerField(widget=forms.HiddenInput)
    message = forms.CharField(
        required=False,
        max_length=2000,
        label=_lazy("Message"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_lazy("Why this mentor? What would you like to work on?"),
    )

    def __init__(self, *args, submit_label: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", submit_label or _("Request")))


SENIORITY_LEVELS = [(level, str(level)) for level in range(1, 11)]


class MentorDirectoryForm(forms.Form):
    """The directory's search and filters (a GET form: it writes nothing)."""

    q = forms.CharField(
        label=_lazy("Search"),
        required=False,
        max_length=100,
        help_text=_lazy("Name, job title or expertise"),
    )
    expertise = forms.ChoiceField(label=_lazy("Expertise"), required=False)
    language = forms.ChoiceField(label=_lazy("Language"), required=False)
    department = forms.ChoiceField(label=_lazy("Department"), required=False)
    seniority_min = forms.TypedChoiceField(
        label=_lazy("Seniority from"), required=False, coerce=int, empty_value=None
    )
    seniority_max = forms.TypedChoiceField(
        label=_lazy("Seniority up to"), required=False, coerce=int, empty_value=None
    )
    max_tz_gap = forms.IntegerField(
        label=_lazy("Time-zone gap at most (hours)"), required=False, min_value=0, max_value=12
    )
    free = forms.BooleanField(label=_lazy("Only mentors with a free place"), required=False)

    def __init__(self, *args, facets: Facets, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expertise"].choices = [
            ("", _("Any expertise")),
            *((tag, tag) for tag in facets.expertise),
        ]
        self.fields["language"].choices = [("", _("Any language")), *facets.languages]
        self.fields["department"].choices = [
            ("", _("Any department")),
            *((d, d) for d in facets.departments),
        ]
        for name in ("seniority_min", "seniority_max"):
            self.fields[name].choices = [("", _("Any level")), *SENIORITY_LEVELS]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.form_class = "row g-2 align-items-end"
        self.helper.layout = Layout(
            Div("q", css_class="col-12 col-lg-4"),
            Div("expertise", css_class="col-12 col-sm-6 col-lg-4"),
            Div("language", css_class="col-12 col-sm-6 col-lg-4"),
            Div("department", css_class="col-12 col-sm-6 col-lg-4"),
            Div("seniority_min", css_class="col-6 col-lg-2"),
            Div("seniority_max", css_class="col-6 col-lg-2"),
            Div("max_tz_gap", css_class="col-12 col-sm-6 col-lg-4"),
            Div("free", css_class="col-12 col-lg-4"),
            Div(Submit("", _("Filter"), css_class="btn-secondary"), css_class="col-12"),
        )

    def filters(self) -> DirectoryFilters:
        """The filters to apply: the valid ones (an unknown choice is left out)."""
        self.is_valid()
        data = self.cleaned_data
        return DirectoryFilters(
            text=data.get("q") or "",
            expertise=data.get("expertise") or "",
            language=data.get("language") or "",
            department=data.get("department") or "",
            seniority_min=data.get("seniority_min"),
            seniority_max=data.get("seniority_max"),
            free_only=bool(data.get("free")),
            max_tz_gap=data.get("max_tz_gap"),
        )
