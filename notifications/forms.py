from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from notifications.models import Category


class PreferencesForm(forms.Form):
    """A switch per category; account and security mail is not offered (it always goes)."""

    def __init__(self, *args, switched_off: set[str], coordinator: bool, **kwargs):
        super().__init__(*args, **kwargs)
        for category in Category:
            if category == Category.DIGEST and not coordinator:
                continue
            self.fields[category.value] = forms.BooleanField(
                label=category.label, required=False, initial=category.value not in switched_off
            )
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Save"))
