from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CrispyFormMixin, ModelMultipleChoiceField, VariantSubmit
from profiles.models import Person
from programs.models import Enrolment
from relationships.models import Agreement, ClosingQuestion, Mentorship


class AgreementForm(CrispyFormMixin, forms.ModelForm):
    submit_label = _("Save (both of you confirm again)")

    class Meta:
        model = Agreement
        fields = ["cadence_days", "preferred_format", "mentor_commitments", "mentee_commitments"]
        widgets = {
            "mentor_commitments": forms.Textarea(attrs={"rows": 3}),
            "mentee_commitments": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        mentor_label, mentee_label = self.instance.mentorship.commitment_labels
        self.fields["mentor_commitments"].label = mentor_label
        self.fields["mentee_commitments"].label = mentee_label


class TransitionForm(forms.Form):
    ACTIONS = [
        ("pause", _("Pause")),
        ("resume", _("Resume")),
        ("complete", _("Complete")),
        ("close", _("Close early")),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    reason = forms.ChoiceField(choices=[("", "—"), *Mentorship.CloseReason.choices], required=False)
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("action") == "close" and not data.get("reason"):
            self.add_error("reason", _("Say why the mentorship closes early."))
        return data


class CloseForm(forms.Form):
    """The close-early form shown on pages; posts to the transition view."""

    action = forms.CharField(widget=forms.HiddenInput, initial="close")
    reason = forms.ChoiceField(label=_("Reason"), choices=Mentorship.CloseReason.choices)
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, action: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.attrs = {"data-confirm": _("Close this mentorship early?")}
        self.helper.add_input(VariantSubmit("submit", _("Close early"), variant="outline-danger"))


class MentorshipCreateForm(CrispyFormMixin, forms.Form):
    submit_label = _("Create mentorship")
    mentor = forms.ModelChoiceField(label=_("Mentor"), queryset=Person.objects.none())
    mentees = ModelMultipleChoiceField(
        label=_("Mentees"),
        queryset=Person.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, cohort, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        approved = Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.APPROVED)
        people = Person.objects.select_related("user").order_by(
            "user__first_name", "user__last_name"
        )
        self.fields["mentor"].queryset = people.filter(
            enrolments__in=approved.filter(role__in=[Enrolment.Role.MENTOR, Enrolment.Role.BOTH])
        )
        self.fields["mentees"].queryset = people.filter(
            enrolments__in=approved.filter(role__in=[Enrolment.Role.MENTEE, Enrolment.Role.BOTH])
        )
        for name in ("mentor", "mentees"):
            self.fields[name].label_from_instance = lambda person: person.name

    def clean(self) -> dict:
        data = super().clean()
        mentor, mentees = data.get("mentor"), data.get("mentees")
        if mentor and mentees and mentor in mentees:
            self.add_error("mentees", _("The mentor cannot also be their own mentee."))
        return data


class ScaleRadioSelect(forms.RadioSelect):
    """A scale (0 to 10, 1 to 5): radio buttons side by side in a fieldset whose legend is the
    question; `ends` says what the lowest and the highest value mean."""

    crispy_template = "relationships/includes/scale_field.html"

    def __init__(self, *args, ends: tuple[str, str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.ends = ends


class ClosingSurveyForm(CrispyFormMixin, forms.Form):
    submit_label = _("Send my answers")
    recommend_score = forms.TypedChoiceField(
        label=_("How likely are you to recommend this program to a colleague?"),
        choices=[(n, str(n)) for n in range(11)],
        coerce=int,
        widget=ScaleRadioSelect(ends=(_("0 = not at all likely"), _("10 = extremely likely"))),
    )
    comment = forms.CharField(
        label=_("Anything else? (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, questions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            if question.kind == question.Kind.SCALE:
                field = forms.TypedChoiceField(
                    label=question.text,
                    choices=[(n, str(n)) for n in range(1, 6)],
                    coerce=int,
                    widget=ScaleRadioSelect,
                )
            else:
                field = forms.CharField(
                    label=question.text,
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
            self.fields[f"q{question.pk}"] = field
        # The score first, the free comment last.
        self.order_fields(["recommend_score", *(f"q{q.pk}" for q in self.questions), "comment"])
        self.helper.layout = Layout(
            *(
                Field(name, template=field.widget.crispy_template)
                if isinstance(field.widget, ScaleRadioSelect)
                else name
                for name, field in self.fields.items()
            )
        )

    def answers(self) -> dict[str, object]:
        return {str(q.pk): self.cleaned_data[f"q{q.pk}"] for q in self.questions}


class ClosingQuestionForm(CrispyFormMixin, forms.ModelForm):
    submit_label = _("Add question")

    class Meta:
        model = ClosingQuestion
        fields = ["text", "kind", "position"]


class PulseForm(CrispyFormMixin, forms.Form):
    """The pulse survey's optional second step: the rating the email link recorded (it may be
    changed), a comment, and whether the coordinator may read it."""

    submit_label = _("Send")
    rating = forms.TypedChoiceField(
        label=_("How useful is your mentoring so far?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1: not useful, 5: very useful."),
    )
    comment = forms.CharField(
        label=_("Anything the coordinator should know?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    share_with_coordinator = forms.BooleanField(
        label=_("Send my comment to the coordinator"),
        required=False,
        help_text=_("Unticked, nobody but you sees it. Reports never show comments."),
    )
