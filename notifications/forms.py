from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import TimeInput
from notifications.models import Category

QUIET_FIELDS = ("quiet_starts", "quiet_ends")


class PreferencesForm(forms.Form):
    """A switch per category; account and security mail is not offered (it always goes). Then
    the quiet hours, when mail that can wait (new messages from the pair) is held back."""

    quiet_starts = forms.TimeField(
        label=_("Quiet hours from"),
        required=False,
        widget=TimeInput(),
        help_text=_("In your own time zone. Leave both empty for no quiet hours."),
    )
    quiet_ends = forms.TimeField(
        label=_("Quiet hours until"),
        required=False,
        widget=TimeInput(),
        help_text=_("Messages that arrive in your quiet hours are emailed when they end."),
    )

    def __init__(
        self, *args, switched_off: set[str], coordinator: bool, quiet=None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        switches = {}
        for category in Category:
            if category == Category.DIGEST and not coordinator:
                continue
            switches[category.value] = forms.BooleanField(
                label=category.label, required=False, initial=category.value not in switched_off
            )
        # The switches first, then the quiet hours.
        quiet_fields = {name: self.fields.pop(name) for name in QUIET_FIELDS}
        self.fields.update(switches)
        self.fields.update(quiet_fields)
        if quiet is not None:
            self.fields["quiet_starts"].initial = quiet.starts
            self.fields["quiet_ends"].initial = quiet.ends
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))

    def clean(self):
        data = super().clean()
        starts, ends = data.get("quiet_starts"), data.get("quiet_ends")
        if (starts is None) != (ends is None) and not self.errors:
            raise forms.ValidationError(
                _("Give both the start and the end of your quiet hours, or neither.")
            )
        return data

    @property
    def switches(self) -> dict[str, bool]:
        return {k: v for k, v in self.cleaned_data.items() if k not in QUIET_FIELDS}
