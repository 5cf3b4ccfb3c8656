"""Goal check-ins: once per cadence after the pair started, a reminder to each owner of open
goals who has not checked in during the cadence before. The Dispatch key makes a message out
of each (pair, period) once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Max

from goals.models import CheckIn, Goal
from notifications.models import Category, Dispatch
from notifications.registry import Planned, kind, planner
from notifications.rendering import link, render_for
from relationships.models import Mentorship

KIND_CHECKIN = "goal_checkin"
OPEN_GOALS = (Goal.Status.NOT_STARTED, Goal.Status.IN_PROGRESS)


def _open_goal_owners(mentorship_ids=None) -> set[tuple[int, int]]:
    goals = Goal.objects.filter(status__in=OPEN_GOALS, mentorship__status=Mentorship.Status.ACTIVE)
    if mentorship_ids is not None:
        goals = goals.filter(mentorship_id__in=mentorship_ids)
    return set(goals.values_list("mentorship_id", "owner__user_id").distinct())


def _checkin_period(mentorship: Mentorship, now: datetime) -> tuple[int, datetime, timedelta]:
    anchor = mentorship.started_at or mentorship.created_at
    cadence = timedelta(days=mentorship.cadence)
    period = (now - anchor) // cadence
    return period, anchor + period * cadence, cadence


@planner
def plan_checkins(now: datetime) -> Iterable[Planned]:
    """Once per cadence after the pair started, each owner of open goals, unless they checked
    in during the cadence before."""
    owners = _open_goal_owners()
    if not owners:
        return
    ids = {mentorship_id for mentorship_id, _ in owners}
    mentorships = Mentorship.objects.with_pulse(now).in_bulk(ids)
    last_checkin = {
        (row["goal__mentorship_id"], row["author__user_id"]): row["last"]
        for row in CheckIn.objects.filter(goal__mentorship_id__in=ids)
        .values("goal__mentorship_id", "author__user_id")
        .annotate(last=Max("created_at"))
    }
    for mentorship_id, user_id in owners:
        period, due, cadence = _checkin_period(mentorships[mentorship_id], now)
        if period < 1:
            continue
        last = last_checkin.get((mentorship_id, user_id))
        if last is not None and last >= due - cadence:
            continue
        yield Planned(KIND_CHECKIN, mentorship_id, f"p{period}", user_id, due)


@kind(KIND_CHECKIN, category=Category.CHECKINS)
def build_checkin(dispatch: Dispatch):
    mentorship = Mentorship.objects.filter(
        pk=dispatch.object_id, status=Mentorship.Status.ACTIVE
    ).first()
    if mentorship is None:
        return None
    goals = list(
        Goal.objects.filter(
            mentorship=mentorship, owner__user=dispatch.recipient, status__in=OPEN_GOALS
        )
    )
    if not goals:
        return None
    return render_for(
        dispatch,
        "goals/emails/goal_checkin",
        {
            "mentorship": mentorship,
            "goals": goals,
            "checkin_url": link("relationships:mentorship_detail", [mentorship.pk], query="")
            + "#checkin-heading",
        },
    )
