from __future__ import annotations

from django import forms

from core.forms import CrispyFormMixin
from profiles.languages import ISO_639_1
from users.models import timezone_choices


class ProfileForm(CrispyFormMixin, forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    timezone = forms.ChoiceField(
        label="Time zone", help_text="Every time you see here is shown in this zone."
    )
    job_title = forms.CharField(max_length=120, required=False)
    department = forms.CharField(max_length=120, required=False)
    location = forms.CharField(max_length=120, required=False)
    languages = forms.CharField(
        required=False, help_text="ISO 639-1 codes separated by ; (e.g. en; de)."
    )
    bio = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = timezone_choices()

    def clean_languages(self) -> list[str]:
        codes = [c.strip().lower() for c in self.cleaned_data["languages"].split(";")]
        codes = [c for c in dict.fromkeys(codes) if c]
        unknown = [c for c in codes if c not in ISO_639_1]
        if unknown:
            raise forms.ValidationError(f"Not ISO 639-1 language codes: {', '.join(unknown)}.")
        return codes
