from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.forms import CrispyFormMixin
from core.widgets import SearchableChoiceInput
from profiles.languages import ISO_639_1
from profiles.photos import PhotoRefused, photo_from_upload
from users.models import timezone_choices


class ProfileForm(CrispyFormMixin, forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Type a city to search, e.g. Berlin. Every time you see is shown in this zone."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("Pages and emails in this language. Leave blank to follow your browser."),
    )
    job_title = forms.CharField(max_length=120, required=False)
    department = forms.CharField(max_length=120, required=False)
    location = forms.CharField(max_length=120, required=False)
    languages = forms.CharField(
        required=False, help_text="ISO 639-1 codes separated by ; (e.g. en; de)."
    )
    bio = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    # A plain file field: Django's ImageField would call an image bomb "not an image";
    # profiles.photos says which refusal it is.
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )
    remove_photo = forms.BooleanField(label=_("Remove my photo"), required=False)

    def __init__(self, *args, has_photo: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        zones = timezone_choices()
        self.fields["timezone"].choices = zones
        self.fields["timezone"].widget = SearchableChoiceInput(zones)
        self.fields["language"].choices = [("", _("As my browser says")), *settings.LANGUAGES]
        self.fields["photo"].help_text = _(
            "JPEG, PNG, GIF or WebP, up to %(limit)s. Shown to your pairs and their "
            "coordinators, cropped to a square; we keep no camera or location data from it."
        ) % {"limit": filesizeformat(settings.PROFILE_PHOTO_MAX_BYTES)}
        if not has_photo:
            del self.fields["remove_photo"]

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        try:
            return photo_from_upload(upload)
        except PhotoRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None

    def clean_languages(self) -> list[str]:
        codes = [c.strip().lower() for c in self.cleaned_data["languages"].split(";")]
        codes = [c for c in dict.fromkeys(codes) if c]
        unknown = [c for c in codes if c not in ISO_639_1]
        if unknown:
            raise forms.ValidationError(f"Not ISO 639-1 language codes: {', '.join(unknown)}.")
        return codes
