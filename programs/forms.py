from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import CrispyFormMixin, ModelMultipleChoiceField, VariantSubmit
from core.widgets import DateInput
from programs.importing import MAX_BYTES
from programs.models import Cohort, Enrolment, EnrolmentQuestion, MeetingFormat, Program
from programs.roles import RoleLabels
from programs.services import BULK_ACTIONS


def tags_from_text(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for raw in text.replace(",", ";").split(";"):
        tag = raw.strip().lower()
        if tag:
            seen.setdefault(tag, None)
    return list(seen)


class ProgramForm(CrispyFormMixin, forms.ModelForm):
    class Meta:
        model = Program
        fields = [
            "name",
            "slug",
            "description",
            "format",
            "enrolment",
            "default_capacity",
            "cadence_days",
            "pulse_every_days",
            "confidentiality_statement",
            "coordinators",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"coordinators": ModelMultipleChoiceField}

    def __init__(self, *args, can_assign_coordinators: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confidentiality_statement"].widget.attrs["rows"] = 3
        if can_assign_coordinators:
            self.fields["coordinators"].queryset = get_user_model().objects.filter(is_active=True)
        else:
            del self.fields["coordinators"]
        if self.instance.pk:
            # The slug is in links people have already been sent.
            self.fields["slug"].disabled = True


class QuestionForm(CrispyFormMixin, forms.ModelForm):
    choices_text = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One option per line, for single and multiple choice questions."),
    )

    class Meta:
        model = EnrolmentQuestion
        fields = ["text", "slug", "kind", "required", "position"]

    def __init__(self, *args, program: Program, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.program = program
        self.fields["choices_text"].initial = "\n".join(self.instance.choices or [])

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        clash = self.program.questions.filter(slug=slug).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another question of this program uses this slug."))
        return slug

    def clean(self) -> dict:
        data = super().clean()
        choices = [line.strip() for line in data.get("choices_text", "").splitlines()]
        choices = list(dict.fromkeys(c for c in choices if c))
        kind = data.get("kind")
        if kind in (EnrolmentQuestion.Kind.SINGLE, EnrolmentQuestion.Kind.MULTIPLE):
            if len(choices) < 2:
                self.add_error(
                    "choices_text", gettext("A choice question needs at least two options.")
                )
        else:
            choices = []
        self.instance.choices = choices
        self.instance.program = self.program
        return data


class CohortForm(CrispyFormMixin, forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "slug", "start_date", "end_date", "enrolment_opens", "enrolment_closes"]
        widgets = {
            field: DateInput()
            for field in ("start_date", "end_date", "enrolment_opens", "enrolment_closes")
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["slug"].disabled = True


class CohortFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    role = forms.ChoiceField(choices=[("", _("Any role")), *Enrolment.Role.choices], required=False)
    status = forms.ChoiceField(
        choices=[
            ("", _("Any status")),
            (Enrolment.NOT_INVITED, Enrolment.NOT_INVITED_LABEL),
            *Enrolment.Status.choices,
        ],
        required=False,
    )
    department = forms.CharField(required=False)

    def __init__(self, *args, departments: list[str], roles: RoleLabels, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            ("", _("Any role")),
            *((role, capfirst(label)) for role, label in roles.choices()),
        ]
        self.fields["department"] = forms.ChoiceField(
            choices=[("", _("Any department")), *((d, d) for d in departments)], required=False
        )
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row row-cols-md-auto g-2 align-items-end"
        self.helper.disable_csrf = True
        self.helper.add_input(VariantSubmit("", _("Filter"), variant="secondary"))


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in BULK_ACTIONS])
    scope = forms.ChoiceField(choices=[("selected", "selected"), ("all", "all")])
    enrolments = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args, cohort: Cohort, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enrolments"].choices = [
            (pk, pk) for pk in cohort.enrolments.values_list("pk", flat=True)
        ]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("scope") == "selected" and not data.get("enrolments"):
            raise forms.ValidationError(_("Select at least one participant, or choose “all”."))
        return data


class ImportUploadForm(CrispyFormMixin, forms.Form):
    submit_label = _("Upload and preview")
    file = forms.FileField(
        label=_("Participants CSV"), help_text=_("UTF-8 CSV, one row per person, at most 10 MB.")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


class EnrolmentDetailsForm(CrispyFormMixin, forms.Form):
    """What a participant tells the program: role details and answers to its questions."""

    submit_label = _("Confirm")

    # Help texts name the roles in the program's own words: see __init__.
    expertise = forms.CharField(required=False)
    interests = forms.CharField(required=False)
    capacity = forms.IntegerField(required=False, min_value=1, max_value=50)
    preferred_format = forms.ChoiceField(
        choices=[("", _("No preference")), *MeetingFormat.choices], required=False
    )
    availability = forms.CharField(required=False, max_length=300)

    def __init__(self, *args, program: Program, role: str | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(program.questions.all())
        roles = program.roles
        self.fields["expertise"].help_text = _(
            "What you can offer as a %(mentor)s, separated by ;"
        ) % {"mentor": roles.mentor}
        self.fields["interests"].help_text = _(
            "What you want to learn as a %(mentee)s, separated by ;"
        ) % {"mentee": roles.mentee}
        self.fields["capacity"].help_text = _("How many %(mentees)s you can take.") % {
            "mentees": roles.mentees
        }
        if role == Enrolment.Role.MENTEE:
            del self.fields["expertise"], self.fields["capacity"]
        elif role == Enrolment.Role.MENTOR:
            del self.fields["interests"]
        if not roles.asks_capacity and "capacity" in self.fields:
            del self.fields["capacity"]
        for question in self.questions:
            self.fields[f"q_{question.slug}"] = question_field(question)

    def details(self) -> dict[str, object]:
        data = self.cleaned_data
        details: dict[str, object] = {
            "preferred_format": data.get("preferred_format", ""),
            "availability": data.get("availability", ""),
        }
        if "expertise" in self.fields:
            details["expertise"] = tags_from_text(data.get("expertise", ""))
        if "interests" in self.fields:
            details["interests"] = tags_from_text(data.get("interests", ""))
        if "capacity" in self.fields:
            details["capacity"] = data.get("capacity")
        return details

    def answers(self) -> dict[str, object]:
        answers: dict[str, object] = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q_{question.slug}")
            if value not in (None, "", []):
                answers[question.slug] = value
        return answers


def question_field(question: EnrolmentQuestion) -> forms.Field:
    common = {"label": question.text, "required": question.required}
    options = [(c, c) for c in question.choices]
    match question.kind:
        case EnrolmentQuestion.Kind.SINGLE:
            return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
        case EnrolmentQuestion.Kind.MULTIPLE:
            return forms.MultipleChoiceField(
                choices=options, widget=forms.CheckboxSelectMultiple, **common
            )
        case EnrolmentQuestion.Kind.SCALE:
            return forms.TypedChoiceField(
                choices=[(i, str(i)) for i in range(1, 6)],
                coerce=int,
                widget=forms.RadioSelect,
                **common,
            )
        case _:
            return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)


def details_initial(enrolment: Enrolment) -> dict[str, object]:
    initial: dict[str, object] = {
        "expertise": "; ".join(enrolment.expertise),
        "interests": "; ".join(enrolment.interests),
        "capacity": enrolment.capacity,
        "preferred_format": enrolment.preferred_format,
        "availability": enrolment.availability,
    }
    initial.update({f"q_{slug}": value for slug, value in enrolment.answers.items()})
    return initial


class ApplyForm(EnrolmentDetailsForm):
    submit_label = _("Apply")
    role = forms.ChoiceField(choices=Enrolment.Role.choices)
    field_order = ["role"]

    def __init__(self, *args, program: Program, **kwargs) -> None:
        super().__init__(*args, program=program, role=None, **kwargs)
        self.fields["role"].choices = [
            (role, capfirst(label)) for role, label in program.roles.choices()
        ]
