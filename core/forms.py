from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class VariantSubmit(Submit):
    """A submit button in one Bootstrap variant ("secondary", "outline-danger"). crispy's
    Submit keeps btn-primary beside any class added, and the two fight over the colours."""

    def __init__(self, name: str, value: str, *, variant: str, **kwargs) -> None:
        super().__init__(name, value, **kwargs)
        self.field_classes = f"btn btn-{variant}"


class CrispyFormMixin:
    """A form that renders with crispy-forms and one submit button."""

    submit_label = _("Save")
    # False when the template writes the <form> tag itself, with the htmx attributes it needs.
    form_tag = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = self.form_tag
        self.helper.add_input(Submit("submit", self.submit_label))


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, with an id past 64 bits refused as an invalid choice: SQLite raises
    OverflowError for it where PostgreSQL simply finds nothing."""

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": "…"},
            ) from None
