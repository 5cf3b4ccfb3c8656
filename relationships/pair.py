"""The pair page's content, shared by the views that update part of it with htmx."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from conversations.thread import thread_context
from core.fragments import Deferred
from goals.forms import CheckInForm
from goals.models import Goal
from profiles.models import Person
from relationships import selectors
from relationships.access import person_of
from relationships.forms import CloseForm
from relationships.models import Mentorship
from relationships.services import agreement_for
from sessions.forms import SessionLogForm
from sessions.models import SessionRating
from sessions.selectors import private_note_authored

# The "How did it go?" email links here with the meeting's facts, so logging it is one click.
PREFILLED = ("occurred_at", "duration_minutes", "format")

# The page's forms are rendered when asked for (`?form=<name>`: a link without JavaScript, an
# htmx request for the form alone with it): rendering them all took half the page's time.
# A bound form (errors to show) and a prefilled session are always shown.
OPENED_FORMS = ("session", "checkin", "close")


def session_form_for(mentorship: Mentorship, data=None, prefill=None) -> SessionLogForm:
    now = timezone.localtime().replace(second=0, microsecond=0)
    initial = {"occurred_at": now, "duration_minutes": 45}
    initial.update({key: prefill[key] for key in PREFILLED if prefill and prefill.get(key)})
    return SessionLogForm(data, mentorship=mentorship, initial=initial)


def checkin_form_for(mentorship: Mentorship, data=None) -> CheckInForm:
    return CheckInForm(data, mentorship=mentorship)


def pair_context(
    request: HttpRequest,
    mentorship: Mentorship,
    *,
    session_form: SessionLogForm | None = None,
    checkin_form: CheckInForm | None = None,
    flash: str = "",
) -> dict:
    mentorship = (
        Mentorship.objects.with_pulse()
        .select_related("cohort__program", "mentor__user", "agreement")
        .prefetch_related(
            Prefetch("mentees", queryset=Person.objects.select_related("user")),
            "agreement__confirmations",
        )
        .get(pk=mentorship.pk)
    )
    me = person_of(request.user)
    members = mentorship.members()
    selectors.attach_cards(mentorship, members)
    agreement = agreement_for(mentorship)
    confirmed = agreement.confirmed_by()
    goals = list(mentorship.goals.select_related("owner__user").prefetch_related("milestones"))
    # Once for the steps, the counts and the timeline.
    sessions = list(
        mentorship.sessions.select_related("logged_by__user").annotate(
            rated_by_me=Exists(SessionRating.objects.filter(session=OuterRef("pk"), person=me))
        )
    )
    to_confirm = [s for s in sessions if not s.is_confirmed and s.logged_by_id != me.pk]
    to_rate = [s for s in sessions if not s.rated_by_me]
    next_due = mentorship.next_due_at
    owns_goals = any(owner.pk == me.pk for owner in mentorship.goal_owners())
    survey_done = mentorship.is_ended and mentorship.closing_surveys.filter(person=me).exists()

    steps: list[dict] = []
    if me.pk not in confirmed and not mentorship.is_ended:
        steps.append({"text": _("Confirm the mentoring agreement"), "url": "#agreement"})
    elif not {m.pk for m in members} <= confirmed and not mentorship.is_ended:
        steps.append({"text": _("Waiting for the agreement to be confirmed by everyone")})
    if owns_goals and not goals and not mentorship.is_ended:
        steps.append(
            {
                "text": _("Set your first goal"),
                "url": reverse("goals:goal_create", args=[mentorship.pk]),
            }
        )
    for session in to_confirm:
        steps.append(
            {
                "text": _("Confirm or correct the session of %(date)s")
                % {"date": _day_month(session.occurred_at)},
                "url": session.get_absolute_url(),
            }
        )
    for session in to_rate[:3]:
        steps.append(
            {
                "text": _("Rate the session of %(date)s")
                % {"date": _day_month(session.occurred_at)},
                "url": session.get_absolute_url(),
            }
        )
    if mentorship.status == Mentorship.Status.ACTIVE:
        due = {"date": _day_month(timezone.localtime(next_due))}
        if next_due < timezone.now():
            text = _("Your next session is overdue: it was due %(date)s") % due
        else:
            text = _("Your next session is due by %(date)s") % due
        steps.append({"text": text, "url": "?form=session#log-session"})
    if mentorship.is_ended and not survey_done:
        steps.append(
            {
                "text": _("Answer the closing survey"),
                "url": reverse("relationships:closing_survey", args=[mentorship.pk]),
            }
        )

    can_log = mentorship.status in (Mentorship.Status.ACTIVE, Mentorship.Status.PAUSED)
    opened = opened_form(request)
    return {
        "mentorship": mentorship,
        "program": mentorship.cohort.program,
        "me": me,
        "members": members,
        "partners": [m for m in members if m.pk != me.pk],
        # The page's heading: "Ann & Bob and you".
        "partner_names": " & ".join(m.name for m in members if m.pk != me.pk),
        "agreement": agreement,
        "confirmed": confirmed,
        "i_confirmed": me.pk in confirmed,
        "goals": goals,
        "owns_goals": owns_goals,
        "active_goals": [g for g in goals if g.status != Goal.Status.DROPPED],
        "sessions_count": len(sessions),
        "last_session": mentorship.last_session_at,
        "next_due": next_due,
        "steps": steps,
        "timeline": selectors.timeline(mentorship, sessions=sessions),
        "my_private_sessions": private_note_authored(sessions=sessions, reader=me),
        "can_log": can_log,
        "session_form": session_form
        or (
            session_form_for(mentorship, prefill=request.GET)
            if can_log and (opened == "session" or _prefilled(request))
            else None
        ),
        "checkin_form": checkin_form
        or (checkin_form_for(mentorship) if can_log and opened == "checkin" else None),
        "close_form": close_form_for(mentorship) if opened == "close" else None,
        "flash": flash,
    }


def _day_month(moment) -> str:
    """The day and the month's short name ("05 Mar"), in the page's language."""
    return date_format(moment, "d M")


def close_form_for(mentorship: Mentorship) -> CloseForm:
    return CloseForm(action=reverse("relationships:mentorship_transition", args=[mentorship.pk]))


def opened_form(request: HttpRequest) -> str:
    name = request.GET.get("form", "")
    return name if request.method == "GET" and name in OPENED_FORMS else ""


def _prefilled(request: HttpRequest) -> bool:
    return request.method == "GET" and any(request.GET.get(key) for key in PREFILLED)


def render_opened_form(request: HttpRequest, mentorship: Mentorship, name: str) -> HttpResponse:
    """One form of the pair page alone, for the htmx request of its "open" link."""
    can_log = mentorship.status in (Mentorship.Status.ACTIVE, Mentorship.Status.PAUSED)
    if name == "close":
        form = close_form_for(mentorship) if can_log else None
    elif name == "session":
        form = session_form_for(mentorship, prefill=request.GET) if can_log else None
    else:
        form = checkin_form_for(mentorship) if can_log else None
    return render(
        request,
        "relationships/includes/pair_opened_form.html",
        {"mentorship": mentorship, "name": name, "form": form},
    )


def render_pair(request: HttpRequest, mentorship: Mentorship, **kwargs) -> HttpResponse:
    """The whole page, or only its body for an htmx request (or one form: OPENED_FORMS)."""
    if request.htmx and (name := opened_form(request)):
        return render_opened_form(request, mentorship, name)
    if request.htmx:
        return render(
            request,
            "relationships/includes/pair_body.html",
            pair_context(request, mentorship, **kwargs),
        )
    # The thread is shown afresh (messages are not under the data version); the rest of a page
    # read again comes from its cached parts, and is computed only when they are missing
    # (core/fragments.py). The forms with errors and messages in kwargs come from POSTs, which
    # are never cached.
    pair = Deferred(lambda: pair_context(request, mentorship, **kwargs))
    return render(
        request,
        "relationships/mentorship_detail.html",
        thread_context(request, mentorship) | {"pair": pair},
    )
