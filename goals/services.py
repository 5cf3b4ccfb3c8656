from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dateranges import calendar_date_error
from goals.models import CheckIn, Goal, Milestone
from relationships.services import TransitionError


def _check_target_date(target_date: date | None) -> None:
    if message := calendar_date_error(target_date):
        raise TransitionError(message)


def _check_owner(mentorship, owner) -> None:
    if mentorship.is_ended:
        raise TransitionError(_("The mentorship has ended; its goals are kept as they are."))
    if not any(person.pk == owner.pk for person in mentorship.goal_owners()):
        raise TransitionError(_("Goals belong to the mentee (in a peer pair, to each person)."))


@transaction.atomic
def goal_create(
    *,
    mentorship,
    owner,
    title: str,
    success_measure: str = "",
    target_date: date | None = None,
    milestones: Sequence[str] = (),
) -> Goal:
    _check_owner(mentorship, owner)
    _check_target_date(target_date)
    goal = Goal.objects.create(
        mentorship=mentorship,
        owner=owner,
        title=title,
        success_measure=success_measure,
        target_date=target_date,
    )
    Milestone.objects.bulk_create(
        [
            Milestone(goal=goal, title=text.strip(), position=position)
            for position, text in enumerate(milestones)
            if text.strip()
        ]
    )
    return goal


@transaction.atomic
def goal_update(
    *,
    goal: Goal,
    owner,
    title: str,
    success_measure: str,
    target_date: date | None,
    status: str,
    new_milestones: Sequence[str] = (),
) -> Goal:
    if goal.owner_id != owner.pk:
        raise TransitionError(_("Only the goal's owner changes it."))
    _check_owner(goal.mentorship, owner)
    if target_date != goal.target_date:
        _check_target_date(target_date)
    goal.title = title
    goal.success_measure = success_measure
    goal.target_date = target_date
    goal.status = status
    if status == Goal.Status.ACHIEVED:
        goal.progress = 100
    goal.save()
    start = goal.milestones.count()
    Milestone.objects.bulk_create(
        [
            Milestone(goal=goal, title=text.strip(), position=start + offset)
            for offset, text in enumerate(new_milestones)
            if text.strip()
        ]
    )
    return goal


@transaction.atomic
def milestone_toggle(*, milestone: Milestone, person) -> Milestone:
    goal = milestone.goal
    if goal.owner_id != person.pk:
        raise TransitionError(_("Only the goal's owner ticks off its milestones."))
    _check_owner(goal.mentorship, person)
    milestone.done_at = None if milestone.done else timezone.now()
    milestone.save(update_fields=["done_at"])
    return milestone


@transaction.atomic
def goal_checkin(
    *, goal: Goal, author, progress: int, note: str = "", on: date | None = None
) -> CheckIn:
    """Record progress. Either side of the pair may check in; the goal takes the new figure,
    starts when progress first moves, and is achieved at 100."""
    mentorship = goal.mentorship
    if mentorship.is_ended:
        raise TransitionError(_("The mentorship has ended; its goals are kept as they are."))
    if not mentorship.is_member(author):
        raise TransitionError(_("Only the people in this mentorship check in on its goals."))
    if not 0 <= progress <= 100:
        raise TransitionError(_("Progress runs from 0 to 100."))
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    checkin = CheckIn.objects.create(
        goal=goal, author=author, progress=progress, note=note, date=on or timezone.localdate()
    )
    goal.progress = progress
    if progress == 100:
        goal.status = Goal.Status.ACHIEVED
    elif progress > 0 and goal.status == Goal.Status.NOT_STARTED:
        goal.status = Goal.Status.IN_PROGRESS
    goal.save(update_fields=["progress", "status", "updated_at"])
    return checkin
