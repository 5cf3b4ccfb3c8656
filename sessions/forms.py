from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CrispyFormMixin, ModelMultipleChoiceField
from core.widgets import DateTimeInput
from goals.models import Goal
from programs.forms import tags_from_text
from programs.models import MeetingFormat

# No rating is ever filled in for a person: the empty choice comes first and is what shows
# until they pick one (a rating someone did not give must not count as a 1).
RATINGS = [(n, f"{n} / 5") for n in range(1, 6)]


class SessionFactsForm(forms.Form):
    occurred_at = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput())
    duration_minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=24 * 60)
    format = forms.ChoiceField(label=_("Format"), choices=MeetingFormat.choices)
    topics = forms.CharField(
        label=_("Topics"), required=False, max_length=400, help_text=_("Tags, separated by commas.")
    )
    shared_notes = forms.CharField(
        label=_("Shared notes (both of you see these)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_topics(self) -> list[str]:
        return tags_from_text(self.cleaned_data["topics"])


class SessionLogForm(CrispyFormMixin, SessionFactsForm):
    submit_label = _("Log session")
    form_tag = False  # the pair page's form posts with htmx
    goals = ModelMultipleChoiceField(
        label=_("Goals discussed"),
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    private_note = forms.CharField(
        label=_("Private note (only you can ever read it)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[("", _("No rating for now")), *RATINGS],
        coerce=int,
        required=False,
        empty_value=None,
    )
    feedback = forms.CharField(label=_("Feedback (optional)"), required=False, max_length=2000)

    def __init__(self, *args, mentorship, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = mentorship.goals.exclude(status=Goal.Status.DROPPED)
        self.fields["goals"].label_from_instance = lambda goal: goal.title
        self.fields["format"].initial = getattr(
            getattr(mentorship, "agreement", None), "preferred_format", ""
        )


class SessionCorrectForm(CrispyFormMixin, SessionFactsForm):
    submit_label = _("Save corrections and confirm")


class RatingForm(CrispyFormMixin, forms.Form):
    submit_label = _("Save rating")
    rating = forms.TypedChoiceField(
        label=_("Your rating"), choices=[("", _("Choose a rating")), *RATINGS], coerce=int
    )
    feedback = forms.CharField(
        label=_("Feedback (optional, the pair sees it)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PrivateNoteForm(CrispyFormMixin, forms.Form):
    submit_label = _("Save private note")
    body = forms.CharField(
        label=_("Private note (only you can ever read it; leave empty to delete)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
