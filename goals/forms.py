from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CrispyFormMixin
from core.widgets import DateInput
from goals.models import Goal, Milestone


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class GoalForm(CrispyFormMixin, forms.ModelForm):
    submit_label = _("Save goal")
    milestones_text = forms.CharField(
        label=_("Milestones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line; you tick them off as you go."),
    )

    class Meta:
        model = Goal
        fields = ["title", "success_measure", "target_date"]
        widgets = {
            "success_measure": forms.Textarea(attrs={"rows": 2}),
            "target_date": DateInput(),
        }

    def clean_milestones_text(self) -> str:
        # One field holds many milestones: each line is checked against the milestone's
        # column, which a database with real limits (PostgreSQL) would otherwise refuse.
        text = self.cleaned_data["milestones_text"]
        limit = Milestone._meta.get_field("title").max_length
        for number, line in enumerate(lines(text), start=1):
            if len(line) > limit:
                raise forms.ValidationError(
                    _(
                        "Milestone %(number)s is %(length)s characters long; a milestone has "
                        "at most %(limit)s."
                    )
                    % {"number": number, "length": len(line), "limit": limit}
                )
        return text

    def milestones(self) -> list[str]:
        return lines(self.cleaned_data["milestones_text"])


class GoalEditForm(GoalForm):
    class Meta(GoalForm.Meta):
        fields = ["title", "success_measure", "target_date", "status"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestones_text"].label = _("Add milestones")


class CheckInForm(CrispyFormMixin, forms.Form):
    submit_label = _("Check in")
    form_tag = False  # the pair page's form posts with htmx
    goal = forms.ModelChoiceField(label=_("Goal"), queryset=Goal.objects.none())
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"step": 5}),
    )
    note = forms.CharField(label=_("Short note"), required=False, max_length=280)

    def __init__(self, *args, mentorship, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        goals = mentorship.goals.exclude(status=Goal.Status.DROPPED).select_related("owner__user")
        self.fields["goal"].queryset = goals
        self.fields["goal"].label_from_instance = lambda goal: goal.title
