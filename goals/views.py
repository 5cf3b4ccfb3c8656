from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError, refusal_shown
from goals import services
from goals.access import get_goal_for_member, get_milestone_for_member
from goals.forms import GoalEditForm, GoalForm
from relationships.access import get_mentorship_for_member, person_of
from relationships.pair import checkin_form_for, render_pair


def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for_member(request.user, pk)
    if not any(owner.pk == person_of(request.user).pk for owner in mentorship.goal_owners()):
        raise PermissionDenied(_("Goals belong to the mentee (in a peer pair, to each person)."))
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_shown(request) as done:
            services.goal_create(
                mentorship=mentorship,
                owner=person_of(request.user),
                title=data["title"],
                success_measure=data["success_measure"],
                target_date=data["target_date"],
                milestones=form.milestones(),
            )
        if done:
            messages.success(request, _("Goal set."))
        return redirect(mentorship)
    return render(request, "goals/goal_form.html", {"form": form, "mentorship": mentorship})


def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = get_goal_for_member(request.user, pk)
    if goal.owner_id != person_of(request.user).pk:
        raise PermissionDenied(_("Only the goal's owner changes it."))
    mentorship = goal.mentorship
    form = GoalEditForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_shown(request) as done:
            services.goal_update(
                goal=goal,
                owner=person_of(request.user),
                title=data["title"],
                success_measure=data["success_measure"],
                target_date=data["target_date"],
                status=data["status"],
                new_milestones=form.milestones(),
            )
        if done:
            messages.success(request, _("Goal saved."))
        return redirect(mentorship)
    return render(
        request, "goals/goal_form.html", {"form": form, "mentorship": mentorship, "goal": goal}
    )


@require_POST
def checkin_create(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for_member(request.user, pk)
    form = checkin_form_for(mentorship, request.POST)
    if not form.is_valid():
        # The whole page without JavaScript, the pair's body with htmx: errors beside the form.
        return render_pair(request, mentorship, checkin_form=form)
    data = form.cleaned_data
    try:
        services.goal_checkin(
            goal=data["goal"],
            author=person_of(request.user),
            progress=data["progress"],
            note=data["note"],
        )
    except DomainError as exc:
        form.add_error(None, str(exc))
        return render_pair(request, mentorship, checkin_form=form)
    if request.htmx:
        return render_pair(request, mentorship, flash=_("Check-in saved."))
    messages.success(request, _("Check-in saved."))
    return redirect(mentorship)


@require_POST
def milestone_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_milestone_for_member(request.user, pk)
    mentorship = milestone.goal.mentorship
    with refusal_shown(request):
        services.milestone_toggle(milestone=milestone, person=person_of(request.user))
    return redirect(mentorship.get_absolute_url() + f"#goal-{milestone.goal_id}")
