from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CrispyFormMixin, ModelMultipleChoiceField
from flash.models import SurveyResponse
from flash.participant_access import one_line
from profiles.models import Person


class PersonChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, person: Person) -> str:
        line = one_line(person)
        return f"{person.name} ({line})" if line else person.name


class ChoicesForm(CrispyFormMixin, forms.Form):
    """Whom the person would like to continue with, from the people they met."""

    submit_label = _("Save my choices")
    chosen = PersonChoiceField(
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("I would like to continue with"),
        help_text=_(
            "Only you see whom you chose. Someone you chose learns of it only if they chose you "
            "too; then you may be proposed as a pair."
        ),
    )

    def __init__(self, *args, met: list[Person], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["chosen"]
        field.queryset = Person.objects.filter(pk__in=[p.pk for p in met]).select_related("user")


USEFULNESS = [(n, str(n)) for n in range(1, 6)]


class SurveyForm(CrispyFormMixin, forms.ModelForm):
    submit_label = _("Send my answers")
    usefulness = forms.TypedChoiceField(
        label=_("How useful was the event? (1: not at all, 5: very)"),
        choices=USEFULNESS,
        coerce=int,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = SurveyResponse
        fields = ["usefulness", "met_fit", "would_return"]
