from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError, refusal_shown
from relationships.access import get_mentorship_for_member, person_of
from relationships.pair import render_pair, session_form_for
from sessions import services
from sessions.access import get_session_for_member
from sessions.forms import PrivateNoteForm, RatingForm, SessionCorrectForm
from sessions.models import SessionLog
from sessions.selectors import private_note_body
from sessions.services import SessionAlreadyLogged, SessionTimeOutOfRange

# Refusals about the date and time itself, shown next to that field.
TIME_REFUSED = (SessionAlreadyLogged, SessionTimeOutOfRange)


def session_log(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for_member(request.user, pk)
    if request.method != "POST":
        return redirect(mentorship.get_absolute_url() + "?form=session#log-session")
    form = session_form_for(mentorship, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.session_log(
                mentorship=mentorship,
                person=person_of(request.user),
                occurred_at=data["occurred_at"],
                duration_minutes=data["duration_minutes"],
                format=data["format"],
                topics=data["topics"],
                goals=list(data["goals"]),
                shared_notes=data["shared_notes"],
                private_note=data["private_note"],
                rating=data["rating"],
                feedback=data["feedback"],
            )
        except TIME_REFUSED as exc:
            form.add_error("occurred_at", str(exc))
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            text = _("Session logged. Your partner confirms it or corrects it.")
            if request.htmx:
                return render_pair(request, mentorship, flash=text)
            messages.success(request, text)
            return redirect(mentorship)
    return render_pair(request, mentorship, session_form=form)


def _session_page(request: HttpRequest, session: SessionLog, **forms) -> HttpResponse:
    me = person_of(request.user)
    mine = session.ratings.filter(person=me).first()
    context = {
        "session": session,
        "mentorship": session.mentorship,
        "me": me,
        "ratings": session.ratings.select_related("person__user"),
        "private_note": private_note_body(session=session, reader=me),  # None: unreadable
        "can_confirm": not session.is_confirmed and session.logged_by_id != me.pk,
        "rating_form": forms.get("rating_form")
        or RatingForm(initial={"rating": mine.rating, "feedback": mine.feedback} if mine else None),
        "note_form": forms.get("note_form"),
    }
    if context["note_form"] is None:
        context["note_form"] = PrivateNoteForm(initial={"body": context["private_note"] or ""})
    for name, action in (("rating_form", "session_rate"), ("note_form", "private_note_save")):
        context[name].helper.form_action = reverse(f"sessions:{action}", args=[session.pk])
    return render(request, "sessions/session_detail.html", context)


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_member(request.user, pk)
    return _session_page(request, session)


@require_POST
def session_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_member(request.user, pk)
    with refusal_shown(request) as done:
        services.session_confirm(session=session, person=person_of(request.user))
    if done:
        messages.success(request, _("Session confirmed."))
    return redirect(session)


def session_correct(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_member(request.user, pk)
    if session.logged_by_id == person_of(request.user).pk:
        messages.info(
            request, _("You logged this session: the other side confirms or corrects it.")
        )
        return redirect(session)
    initial = {
        "occurred_at": session.occurred_at,
        "duration_minutes": session.duration_minutes,
        "format": session.format,
        "topics": ", ".join(session.topics),
        "shared_notes": session.shared_notes,
    }
    form = SessionCorrectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_correct(
                session=session, person=person_of(request.user), **form.cleaned_data
            )
        except TIME_REFUSED as exc:
            form.add_error("occurred_at", str(exc))
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect(session)
        else:
            messages.success(request, _("Corrections saved; the session is confirmed."))
            return redirect(session)
    return render(request, "sessions/session_correct.html", {"form": form, "session": session})


@require_POST
def session_rate(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_member(request.user, pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _session_page(request, session, rating_form=form)
    services.session_rate(session=session, person=person_of(request.user), **form.cleaned_data)
    messages.success(request, _("Thank you for rating the session."))
    return redirect(session)


@require_POST
def private_note_save(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_member(request.user, pk)
    form = PrivateNoteForm(request.POST)
    if not form.is_valid():
        return _session_page(request, session, note_form=form)
    services.private_note_save(
        session=session, author=person_of(request.user), body=form.cleaned_data["body"]
    )
    messages.success(request, _("Private note saved. Only you can read it."))
    return redirect(session)
