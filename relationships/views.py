from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from conversations.selectors import activity_of as conversation_activity
from core.errors import refusal_shown
from core.fragments import Deferred
from profiles.photos import photo_response
from programs.access import get_cohort_for_coordinator, get_program_for_coordinator
from relationships import selectors, services
from relationships.access import (
    get_mentorship_for_coordinator,
    get_mentorship_for_member,
    get_mentorship_for_member_or_coordinator,
    get_pulse_for_token,
    person_of,
)
from relationships.forms import (
    AgreementForm,
    CloseForm,
    ClosingQuestionForm,
    ClosingSurveyForm,
    MentorshipCreateForm,
    PulseForm,
    TransitionForm,
)
from relationships.models import Mentorship, PulseAnswer
from relationships.pair import render_pair
from relationships.pairing import PairingRefused
from relationships.pulse import RATINGS

# --- Participants -------------------------------------------------------------------------------


def mentorship_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "relationships/mentorship_list.html",
        {"mentorships": selectors.participant_overview(request.user)},
    )


def mentorship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for_member(request.user, pk, related=False)
    return render_pair(request, mentorship)


@require_GET
def member_photo(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    """A member's photo, for the pair and its coordinators."""
    mentorship = get_mentorship_for_member_or_coordinator(request.user, pk)
    person = next((m for m in mentorship.members() if m.pk == person_pk), None)
    if person is None:
        raise Http404
    return photo_response(person)


def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for_member(request.user, pk)
    agreement = services.agreement_for(mentorship)
    form = AgreementForm(request.POST or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(request) as done:
            services.agreement_update(
                mentorship=mentorship, actor=request.user, **form.cleaned_data
            )
        if done:
            messages.success(request, _("Agreement saved. Each of you confirms the new version."))
        return redirect(mentorship)
    agreement.refresh_from_db()  # a bound form may have changed the instance
    return render(
        request,
        "relationships/agreement_form.html",
        {"form": form, "mentorship": mentorship, "agreement": agreement},
    )


@require_POST
def agreement_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for_member(request.user, pk)
    with refusal_shown(request) as done:
        services.agreement_confirm(
            mentorship=mentorship, person=person_of(request.user), actor=request.user
        )
    if done:
        mentorship.refresh_from_db()
        if mentorship.status == Mentorship.Status.ACTIVE and mentorship.started_at:
            messages.success(request, _("Agreement confirmed. Your mentorship is active."))
        else:
            messages.success(request, _("Agreement confirmed."))
    return redirect(mentorship)


def closing_survey(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for_member(request.user, pk)
    me = person_of(request.user)
    done = mentorship.closing_surveys.filter(person=me).exists()
    form = None
    if mentorship.is_ended and not done:
        form = ClosingSurveyForm(
            request.POST or None, questions=mentorship.cohort.program.closing_questions.all()
        )
        if request.method == "POST" and form.is_valid():
            with refusal_shown(request) as done:
                services.closing_survey_submit(
                    mentorship=mentorship,
                    person=me,
                    recommend_score=form.cleaned_data["recommend_score"],
                    answers=form.answers(),
                    comment=form.cleaned_data["comment"],
                )
            if done:
                messages.success(request, _("Thank you for your answers."))
            return redirect(mentorship)
    return render(
        request,
        "relationships/closing_survey.html",
        {"mentorship": mentorship, "form": form, "done": done},
    )


# --- Status changes: the pair and its coordinators ---------------------------------------------


@require_POST
def mentorship_transition(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for_member_or_coordinator(request.user, pk)
    is_member = mentorship.is_member(person_of(request.user))
    back = mentorship.get_absolute_url() if is_member else _manage_url(mentorship)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(back)
    data = form.cleaned_data
    action, actor = data["action"], request.user
    with refusal_shown(request) as done:
        if action == "pause":
            services.mentorship_pause(mentorship=mentorship, actor=actor)
        elif action == "resume":
            services.mentorship_resume(mentorship=mentorship, actor=actor)
        elif action == "complete":
            services.mentorship_complete(
                mentorship=mentorship, actor=actor, comment=data["comment"]
            )
        else:
            services.mentorship_close(
                mentorship=mentorship, actor=actor, reason=data["reason"], comment=data["comment"]
            )
    if done:
        mentorship.refresh_from_db()
        messages.success(
            request,
            _("The mentorship is now %(status)s.")
            % {"status": mentorship.get_status_display().lower()},
        )
    return redirect(back)


def _manage_url(mentorship: Mentorship) -> str:
    return reverse("relationships:mentorship_manage", args=[mentorship.pk])


# --- Coordinators: activity, never content -----------------------------------------------------


def cohort_health(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = get_cohort_for_coordinator(request.user, slug)
    # Computed only when the page's cached part is missing (core/fragments.py).
    health = Deferred(lambda: _cohort_health(request, cohort))
    return render(
        request,
        "relationships/cohort_health.html",
        {"cohort": cohort, "program": cohort.program, "health": health},
    )


def _cohort_health(request: HttpRequest, cohort) -> dict:
    pairs = list(selectors.cohort_health(cohort))
    stalled_only = request.GET.get("show") == "stalled"
    summary = {
        "pairs": len(pairs),
        "active": sum(m.status == Mentorship.Status.ACTIVE for m in pairs),
        "stalled": sum(m.is_stalled for m in pairs),
        "sessions": sum(m.sessions_count for m in pairs),
    }
    if stalled_only:
        pairs = [m for m in pairs if m.is_stalled]
    return {"pairs": pairs, "summary": summary, "stalled_only": stalled_only}


def mentorship_manage(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for_coordinator(request.user, pk)
    pair = selectors.with_activity(Mentorship.objects.filter(pk=mentorship.pk)).get()
    pulse_rounds, pulse_comments = selectors.pulse_summary(mentorship)
    selectors.attach_cards(pair, members := pair.members())
    return render(
        request,
        "relationships/mentorship_manage.html",
        {
            "pair": pair,
            "cohort": pair.cohort,
            "events": pair.events.filter(kind="status").select_related("actor"),
            "pulse_rounds": pulse_rounds,
            "pulse_comments": pulse_comments,
            "messages_activity": conversation_activity(pair),
            "members": members,
            "close_form": CloseForm(
                action=reverse("relationships:mentorship_transition", args=[pair.pk])
            ),
        },
    )


def mentorship_new(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = get_cohort_for_coordinator(request.user, slug)
    form = MentorshipCreateForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            mentorship = services.mentorship_create(
                cohort=cohort,
                mentor=form.cleaned_data["mentor"],
                mentees=list(form.cleaned_data["mentees"]),
                source=Mentorship.Source.MANUAL,
                created_by=request.user,
            )
        except PairingRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Mentorship created. The pair confirms its agreement next.")
            )
            return redirect(_manage_url(mentorship))
    return render(request, "relationships/mentorship_new.html", {"form": form, "cohort": cohort})


def closing_questions(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    form = ClosingQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        question = form.save(commit=False)
        question.program = program
        question.save()
        messages.success(request, _("Question added to the closing survey."))
        return redirect("relationships:closing_questions", slug=program.slug)
    return render(
        request,
        "relationships/closing_questions.html",
        {"program": program, "form": form, "questions": program.closing_questions.all()},
    )


@require_POST
def closing_question_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    get_object_or_404(program.closing_questions, pk=pk).delete()
    messages.success(request, _("Question removed. Answers already given stay on record."))
    return redirect("relationships:closing_questions", slug=program.slug)


@login_not_required
def pulse_answer(request: HttpRequest, token: str, rating: int) -> HttpResponse:
    """A pulse survey answered from the email: the link's rating is recorded by the page's
    script as soon as it opens (one click from the email), or by the Send button without
    JavaScript; the page then offers the optional comment. A GET alone records nothing: mail
    systems open links by themselves, and must not answer on the person's behalf."""
    mentorship, person, round_ = get_pulse_for_token(token)
    if rating not in RATINGS:
        raise Http404
    keys = {"mentorship": mentorship, "person": person, "round_": round_}
    if request.method == "POST" and request.POST.get("record") == "1":
        services.pulse_answer_save(**keys, rating=rating)
        return HttpResponse(status=204)
    answer = PulseAnswer.objects.filter(mentorship=mentorship, person=person, round=round_).first()
    initial = {"rating": rating}
    if answer is not None:
        initial |= {
            "comment": answer.comment,
            "share_with_coordinator": answer.share_with_coordinator,
        }
    form = PulseForm(request.POST or None, initial=initial)
    done = False
    if request.method == "POST" and form.is_valid():
        services.pulse_answer_save(**keys, **form.cleaned_data)
        messages.success(request, _("Thank you: your answer is saved."))
        done = True
    return render(
        request,
        "relationships/pulse.html",
        {"form": form, "done": done, "program": mentorship.cohort.program, "rating": rating},
    )
