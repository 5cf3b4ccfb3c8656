"""The round-trip matrix: every page that edits stored data, and what saving it unchanged may do.

Opening such a page and pressing its save button without touching anything must leave the
database as it was (tests/browser/test_round_trip.py checks each case in Chromium). A page that
shows a form filled from stored data and is in neither list below fails
`test_every_editing_page_is_in_the_round_trip_matrix` (tests/test_round_trip_matrix.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.forms import BaseForm, BaseFormSet, BaseModelForm
from django.test.utils import ContextList

from tests.permissions import ADMIN, COORD, MENTEE, MENTOR


@dataclass(frozen=True)
class RoundTrip:
    role: str  # who opens the page: someone who may edit it
    kwargs: Callable[[dict], dict] = field(default=lambda world: {})
    buttons: tuple[str, ...] = ("Save",)  # each form of the page, saved in turn
    # What a save changes on purpose, as "app_label.Model.field".
    changes: frozenset[str] = frozenset()


def program(world: dict) -> dict:
    return {"slug": world["program"].slug}


def flash_cohort(world: dict) -> dict:
    return {"slug": world["flash_event"].cohort.slug}


def pk_of(key: str) -> Callable[[dict], dict]:
    return lambda world: {"pk": world[key].pk}


def pulse(world: dict) -> dict:
    from relationships.pulse import pulse_token

    return {"token": pulse_token(world["mentorship"].pk, world["users"][MENTEE].pk, 0), "rating": 4}


ROUND_TRIPS: dict[str, RoundTrip] = {
    "profiles:profile": RoundTrip(MENTEE),
    "profiles:availability": RoundTrip(MENTEE),
    # The site admin also gets the coordinators (a many-to-many field).
    "programs:program_edit": RoundTrip(ADMIN, program),
    "programs:question_edit": RoundTrip(COORD, lambda w: program(w) | {"pk": w["question"].pk}),
    "programs:cohort_edit": RoundTrip(COORD, lambda w: {"slug": w["cohort"].slug}),
    # Confirming again records when; the answers and details must survive.
    "programs:enrolment_respond": RoundTrip(
        MENTOR,
        pk_of("mentor_enrolment"),
        ("Confirm",),
        frozenset({"programs.Enrolment.responded_at"}),
    ),
    "matching:settings": RoundTrip(COORD, program, ("Save settings",)),
    "relationships:agreement_edit": RoundTrip(
        MENTEE, pk_of("mentorship"), ("Save (both of you confirm again)",)
    ),
    "goals:goal_edit": RoundTrip(MENTEE, pk_of("goal"), ("Save goal",)),
    # Saving the other side's log confirms it (the button says so); with nothing changed it is
    # not a correction.
    "sessions:session_correct": RoundTrip(
        MENTEE,
        pk_of("session"),
        ("Save corrections and confirm",),
        frozenset(
            {
                "mentoring_sessions.SessionLog.confirmed_by_id",
                "mentoring_sessions.SessionLog.confirmed_at",
            }
        ),
    ),
    "sessions:session_detail": RoundTrip(
        MENTOR, pk_of("session"), ("Save rating", "Save private note")
    ),
    "scheduling:meeting_edit": RoundTrip(MENTOR, pk_of("meeting"), ("Save and send the update",)),
    "scheduling:reminder_settings": RoundTrip(COORD, program),
    # The pulse page answers through its signed link, for the mentee; answered already (rating 4,
    # the link's), so saving it unchanged changes nothing.
    "relationships:pulse_answer": RoundTrip(MENTEE, pulse, ("Send",)),
    # The tables are one text field ("Name | link" per line); saved unchanged they stay the same
    # rows, so the meetings keep their table.
    "flash:event_settings": RoundTrip(
        COORD, lambda w: {"slug": w["flash_planned"].cohort.slug}, ("Save event settings",)
    ),
    # A coordinator also gets the digest switch.
    "notifications:preferences": RoundTrip(COORD),
    "flash:choose": RoundTrip(MENTEE, flash_cohort, ("Save my choices",)),
    "flash:survey": RoundTrip(MENTEE, flash_cohort, ("Send my answers",)),
}

# Pages whose forms are filled in, but not from a stored object the form then saves back.
# (The pair page's session and check-in forms, once listed here, now open only when asked for.)
NOT_EDITING: dict[str, str] = {}


def forms_on(response) -> list[BaseForm]:
    """Every form the page's templates were given, formsets unpacked."""
    contexts = response.context
    if contexts is None:
        return []
    if not isinstance(contexts, ContextList):
        contexts = [contexts]
    found: dict[int, BaseForm] = {}
    for context in contexts:
        for value in context.flatten().values():
            forms = value.forms if isinstance(value, BaseFormSet) else [value]
            for form in forms:
                if isinstance(form, BaseForm):
                    found[id(form)] = form
    return list(found.values())


def _filled(value: object) -> bool:
    return value not in (None, "", [], (), {})


def shows_stored_data(form: BaseForm) -> bool:
    """The discovery rule: a form that posts and starts from what is stored, so saving it
    unchanged writes those values back. That is a model form of a saved row, or a form whose
    values the view filled in (`initial=`, even if every value is blank, or a field's initial set
    when the form was built).
    A GET form is a filter and writes nothing."""
    helper = getattr(form, "helper", None)
    if helper is not None and str(helper.form_method).lower() == "get":
        return False
    if isinstance(form, BaseModelForm):
        return not form.instance._state.adding
    if form.initial:
        return True
    declared = type(form).base_fields
    return any(
        _filled(f.initial) and (name not in declared or declared[name].initial != f.initial)
        for name, f in form.fields.items()
    )
