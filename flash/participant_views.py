"""Each participant's side of a flash event: their own schedule and calendar, whom they would
like to continue with after it, and the survey. Plus the coordinator's follow-on page, which
turns mutual choices into proposals (flash.follow_on)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.errors import refusal_shown
from flash import follow_on
from flash.ics import schedule_calendar
from flash.models import SurveyResponse
from flash.participant_access import (
    get_event_for_participant,
    has_ended,
    people_met,
    schedule_of,
)
from flash.participant_forms import ChoicesForm, SurveyForm
from programs.access import get_cohort_for_coordinator
from programs.models import FlashEvent
from relationships.access import person_of


def _mine(request: HttpRequest, slug: str):
    event = get_event_for_participant(request.user, slug)
    person = person_of(request.user)
    if person is None:
        raise Http404
    return event, person


def my_schedule(request: HttpRequest, slug: str) -> HttpResponse:
    event, person = _mine(request, slug)
    return render(
        request,
        "flash/participant_schedule.html",
        {
            "event": event,
            "cohort": event.cohort,
            "rounds": schedule_of(event, person),
            "ended": has_ended(event),
        },
    )


def my_schedule_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event, person = _mine(request, slug)
    body = schedule_calendar(event, person, schedule_of(event, person))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.cohort.slug}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


def choose(request: HttpRequest, slug: str) -> HttpResponse:
    event, person = _mine(request, slug)
    ended = has_ended(event)
    met = people_met(event, person) if ended else []
    form = ChoicesForm(
        request.POST or None,
        met=met,
        initial={"chosen": sorted(follow_on.chosen_by(event, person))},
    )
    if request.method == "POST" and ended and form.is_valid():
        with refusal_shown(request) as done:
            follow_on.choices_set(event=event, person=person, chosen=form.cleaned_data["chosen"])
        if done:
            messages.success(request, _("Your choices are saved."))
            return redirect("flash:choose", slug=slug)
    mutual = follow_on.mutual_with(event, person) if ended else set()
    return render(
        request,
        "flash/choose.html",
        {
            "event": event,
            "cohort": event.cohort,
            "ended": ended,
            "form": form if met else None,
            "mutual": [p for p in met if p.pk in mutual],
        },
    )


def survey(request: HttpRequest, slug: str) -> HttpResponse:
    event, person = _mine(request, slug)
    ended = has_ended(event)
    answer = SurveyResponse.objects.filter(event=event, person=person).first()
    form = SurveyForm(request.POST or None, instance=answer)
    if request.method == "POST" and ended and form.is_valid():
        with refusal_shown(request) as done:
            follow_on.survey_answer(event=event, person=person, **form.cleaned_data)
        if done:
            messages.success(request, _("Thank you: your answers are saved."))
            return redirect("flash:survey", slug=slug)
    return render(
        request,
        "flash/survey.html",
        {"event": event, "cohort": event.cohort, "ended": ended, "form": form, "answer": answer},
    )


# --- The coordinator's follow-on page -------------------------------------------------------


def _event_for_coordinator(request: HttpRequest, slug: str) -> FlashEvent:
    cohort = get_cohort_for_coordinator(request.user, slug)
    return get_object_or_404(
        FlashEvent.objects.select_related("cohort__program", "follow_on_cohort__program"),
        cohort=cohort,
    )


def follow_on_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event_for_coordinator(request, slug)
    target = event.follow_on_cohort
    return render(
        request,
        "flash/participant_follow_on.html",
        {
            "event": event,
            "cohort": event.cohort,
            "target": target,
            "ended": has_ended(event),
            "figures": follow_on.follow_on_figures(event),
        },
    )


@require_POST
def follow_on_propose(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event_for_coordinator(request, slug)
    with refusal_shown(request) as done:
        result = follow_on.follow_on_propose(event=event, user=request.user)
    if not done:
        return redirect("flash:follow_on", slug=slug)
    for reason in result.skipped:
        messages.warning(request, reason)
    if result.run is None:
        messages.info(request, _("No new pairs to propose."))
        return redirect("flash:follow_on", slug=slug)
    messages.success(
        request,
        ngettext(
            "%(count)d follow-on pair proposed: review and publish it here.",
            "%(count)d follow-on pairs proposed: review and publish them here.",
            len(result.proposed),
        )
        % {"count": len(result.proposed)},
    )
    return redirect("matching:run_detail", slug=result.run.cohort.slug, pk=result.run.pk)
