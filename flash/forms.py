from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from core.forms import CrispyFormMixin
from core.widgets import DateTimeInput
from programs.access import cohorts_coordinated_by
from programs.models import FlashEvent, FlashTable, Format

TABLE_NAME_MAX = FlashTable._meta.get_field("name").max_length


def tables_text(tables) -> str:
    return "\n".join(f"{t.name} | {t.link}" if t.link else t.name for t in tables)


class LinesField(forms.CharField):
    """Text read line by line: a browser's "\r\n" line breaks or a trailing space on a line do
    not make it changed."""

    def has_changed(self, initial, data) -> bool:
        def lines(value) -> list[str]:
            return [line.strip() for line in str(value or "").strip().splitlines()]

        return lines(initial) != lines(data)


class EventSettingsForm(CrispyFormMixin, forms.ModelForm):
    submit_label = _("Save event settings")

    tables = LinesField(
        label=_("Tables or rooms"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One per line, in order: a name, then optionally “|” and a video link, e.g. "
            "“Window | https://meet.example.org/window”. Planning adds “Table N” for mentors "
            "beyond the last line."
        ),
    )

    class Meta:
        model = FlashEvent
        fields = [
            "starts_at",
            "rounds",
            "round_minutes",
            "break_minutes",
            "table_size",
            "follow_on_cohort",
        ]
        widgets = {"starts_at": DateTimeInput()}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].help_text = _("When the first round starts, in your time zone.")
        self.fields["follow_on_cohort"].queryset = (
            cohorts_coordinated_by(user)
            .filter(program__format=Format.ONE_TO_ONE)
            .order_by("program__name", "name")
        )
        self.fields["follow_on_cohort"].label_from_instance = lambda c: (
            f"{c.program.name}: {c.name}"
        )
        if self.instance.pk:
            self.initial.setdefault("tables", tables_text(self.instance.tables.all()))

    def clean_tables(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        seen: set[str] = set()
        check_url = URLValidator(schemes=["http", "https"])
        for number, line in enumerate(self.cleaned_data["tables"].splitlines(), start=1):
            if not line.strip():
                continue
            name, _sep, link = (part.strip() for part in line.partition("|"))
            if not name:
                raise ValidationError(_("Line %(n)d has a link but no name.") % {"n": number})
            if len(name) > TABLE_NAME_MAX:
                raise ValidationError(
                    _("Line %(n)d: a name has at most %(max)d characters.")
                    % {"n": number, "max": TABLE_NAME_MAX}
                )
            if "\x00" in line:
                raise ValidationError(
                    _("Line %(n)d has a character that is not allowed.") % {"n": number}
                )
            if link:
                try:
                    check_url(link)
                except ValidationError:
                    raise ValidationError(
                        _("Line %(n)d: “%(link)s” is not a web address (https://…).")
                        % {"n": number, "link": link[:80]}
                    ) from None
            if name.casefold() in seen:
                raise ValidationError(
                    _("Line %(n)d: “%(name)s” is there twice; each table needs its own name.")
                    % {"n": number, "name": name}
                )
            seen.add(name.casefold())
            out.append((name, link))
        return out


class PlanForm(forms.Form):
    held = forms.IntegerField(
        label=_("Rounds already held"),
        required=False,
        min_value=0,
        max_value=30,
        help_text=_("Kept as they are. Empty: the rounds whose start time has passed."),
    )


class AttendanceForm(forms.Form):
    """One person's attendance: on time, a no-show, or arriving at a later round."""

    ON_TIME, NO_SHOW = "on_time", "no_show"

    person = forms.TypedChoiceField(
        label=_("Person"), coerce=int, widget=forms.Select(attrs={"class": "form-select"})
    )
    arrives = forms.ChoiceField(
        label=_("Attendance"), widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, event: FlashEvent, people, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—")] + [(p.pk, p.name) for p, _role, _m in people]
        self.fields["arrives"].choices = [
            (self.ON_TIME, _("On time (clear the mark)")),
            (self.NO_SHOW, _("Did not come")),
        ] + [
            (str(r), _("Arrives for round %(round)d") % {"round": r})
            for r in range(2, event.rounds + 1)
        ]

    def arrives_round(self) -> int | None:
        value = self.cleaned_data["arrives"]
        if value == self.ON_TIME:
            return 1
        return None if value == self.NO_SHOW else int(value)
