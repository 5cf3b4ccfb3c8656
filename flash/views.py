"""The coordinator's pages of a flash event: settings, the grid, figures, attendance,
planning and publishing, the print layout and the CSV."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from audit import services as audit
from core.errors import refusal_shown
from flash import selectors, services
from flash.access import get_event_for_coordinator
from flash.forms import AttendanceForm, EventSettingsForm, PlanForm
from flash.models import RotationPlan


def _plan(event) -> RotationPlan | None:
    return RotationPlan.objects.filter(event=event).first()


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_event_for_coordinator(request.user, slug)
    plan = _plan(event)
    people = selectors.event_people(event)
    rounds = selectors.event_rounds(event, plan)
    return render(
        request,
        "flash/event_detail.html",
        {
            "cohort": event.cohort,
            "event": event,
            "plan": plan,
            "rounds": rounds,
            "tables": list(event.tables.all()),
            "figures": selectors.plan_figures(plan, rounds),
            "stale": services.plan_is_stale(event, plan),
            "people_count": len(people),
            "marks": [(p, role, mark) for p, role, mark in people if mark is not None],
            "plan_form": PlanForm(),
            "attendance_form": AttendanceForm(event=event, people=people),
        },
    )


def event_settings(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_event_for_coordinator(request.user, slug)
    form = EventSettingsForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.flash_event_update(
                event=event, fields=fields, tables=form.cleaned_data["tables"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            audit.record_settings_change(
                request=request,
                obj=event.cohort,
                settings_name="flash event",
                fields=form.changed_data,
            )
            messages.success(request, _("Event settings saved."))
            return redirect("flash:event", slug=event.cohort.slug)
    return render(
        request,
        "flash/event_settings.html",
        {"cohort": event.cohort, "event": event, "form": form},
    )


@require_POST
def event_plan(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_event_for_coordinator(request.user, slug)
    form = PlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Rounds already held: give a number from 0 to 30."))
        return redirect("flash:event", slug=event.cohort.slug)
    with refusal_shown(request) as done:
        plan = services.rotation_plan_create(
            event=event, planned_by=request.user, held_rounds=form.cleaned_data["held"]
        )
    if done:
        kept = (
            ngettext(
                "Kept %(count)d round already held.",
                "Kept %(count)d rounds already held.",
                plan.held_rounds,
            )
            % {"count": plan.held_rounds}
            if plan.held_rounds
            else ""
        )
        messages.success(
            request,
            _("Rounds planned in %(seconds).2f s: total score %(objective).2f. %(kept)s")
            % {"seconds": plan.seconds, "objective": plan.objective, "kept": kept},
        )
    return redirect("flash:event", slug=event.cohort.slug)


@require_POST
def event_publish(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_event_for_coordinator(request.user, slug)
    with refusal_shown(request) as done:
        services.rotation_plan_publish(event=event)
    if done:
        messages.success(
            request, _("Published: everyone seated hears that their schedule is ready.")
        )
    return redirect("flash:event", slug=event.cohort.slug)


@require_POST
def event_attendance(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_event_for_coordinator(request.user, slug)
    people = selectors.event_people(event)
    form = AttendanceForm(request.POST, event=event, people=people)
    if not form.is_valid():
        messages.error(request, _("Choose a person and whether they came."))
        return redirect("flash:event", slug=event.cohort.slug)
    services.attendance_mark(
        event=event,
        person_id=form.cleaned_data["person"],
        arrives_round=form.arrives_round(),
    )
    messages.success(
        request,
        _("Attendance saved. Re-plan the remaining rounds to seat people accordingly."),
    )
    return redirect("flash:event", slug=event.cohort.slug)


def event_print(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_event_for_coordinator(request.user, slug)
    plan = _plan(event)
    return render(
        request,
        "flash/event_print.html",
        {"cohort": event.cohort, "event": event, "rounds": selectors.event_rounds(event, plan)},
    )


def event_csv(request: HttpRequest, slug: str) -> HttpResponse:
    # A whole event is a few thousand rows at most: one response, no streaming needed.
    event = get_event_for_coordinator(request.user, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    csv.writer(response).writerows(selectors.csv_rows(event))
    response["Content-Disposition"] = f'attachment; filename="{event.cohort.slug}-rounds.csv"'
    return response
