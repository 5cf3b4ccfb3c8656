from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from conversations.models import MAX_LENGTH
from core.forms import CrispyFormMixin


class MessageForm(CrispyFormMixin, forms.Form):
    submit_label = _("Send")
    form_tag = False  # the template writes the <form> with its htmx attributes

    body = forms.CharField(
        label=_("Your message"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the members of your pair can read it."),
    )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Write a message first."))
        return body


class ReportForm(CrispyFormMixin, forms.Form):
    submit_label = _("Share this message with the coordinators")

    reason = forms.CharField(
        label=_("What worries you (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The coordinators read this and the one message you report."),
    )
