from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
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
        self,
        *args,
        switched_off: set[str],
        coordinator: bool,
        hr_viewer: bool = False,
        out_of_app: frozenset[str] = frozenset(),
        quiet=None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        switches = {}
        fieldsets = []
        for category in Category:
            if category == Category.DIGEST and not coordinator:
                continue
            if category == Category.REPORTS and not hr_viewer:
                continue
            # The email switch keeps the category's own name (the unsubscribe link's too).
            switches[category.value] = forms.BooleanField(
                label=_("By email"), required=False, initial=category.value not in switched_off
            )
            switches[f"app_{category.value}"] = forms.BooleanField(
                label=_("In the app"), required=False, initial=category.value not in out_of_app
            )
            fieldsets.append(Fieldset(category.label, category.value, f"app_{category.value}"))
        # The switches first, then the quiet hours.
        quiet_fields = {name: self.fields.pop(name) for name in QUIET_FIELDS}
        self.fields.update(switches)
        self.fields.update(quiet_fields)
        if quiet is not None:
            self.fields["quiet_starts"].initial = quiet.starts
            self.fields["quiet_ends"].initial = quiet.ends
        self.helper = FormHelper()
        self.helper.layout = Layout(*fieldsets, Fieldset(_("Quiet hours"), *QUIET_FIELDS))
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
        """By email, per category."""
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in QUIET_FIELDS and not k.startswith("app_")
        }

    @property
    def in_app(self) -> dict[str, bool]:
        return {
            k.removeprefix("app_"): v for k, v in self.cleaned_data.items() if k.startswith("app_")
        }
