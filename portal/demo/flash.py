"""Demo data for flash events: today's speed-mentoring afternoon, under way.

It started 25 minutes before the seed ran, so its first three rounds are held; one person
arrives for round 4 (known before the plan) and one did not come (marked during round 3, so the
rounds after the held ones were planned again around them).
The plan is published, and the event's follow-on is the spring one-to-one cohort."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.errors import DomainError
from flash.models import RotationPlan
from flash.services import (
    attendance_mark,
    event_of,
    flash_event_update,
    rotation_plan_create,
    rotation_plan_publish,
)
from programs.models import Cohort, Enrolment

EVENT_COHORT = "speed-mentoring-today"
FOLLOW_ON_COHORT = "spring-2027"
TABLES = [
    ("Window", ""),
    ("Garden", ""),
    ("Library", ""),
    ("Roof terrace", ""),
    ("Video room 1", "https://meet.example.org/speed-1"),
    ("Video room 2", "https://meet.example.org/speed-2"),
]


def seed(stdout) -> None:
    """Safe to call again: a planned event is left alone."""
    if RotationPlan.objects.filter(event__cohort__slug=EVENT_COHORT).exists():
        stdout.write(f"Flash: {EVENT_COHORT} already planned.")
        return
    cohort = Cohort.objects.select_related("program").filter(slug=EVENT_COHORT).first()
    if cohort is None:
        stdout.write(f"Flash: no cohort {EVENT_COHORT!r}, skipped.")
        return
    now = timezone.now().replace(second=0, microsecond=0)
    starts_at = now - dt.timedelta(minutes=25 + now.minute % 5)
    try:
        event = event_of(cohort)
        event = flash_event_update(
            event=event,
            fields={
                "starts_at": starts_at,
                "follow_on_cohort": Cohort.objects.filter(slug=FOLLOW_ON_COHORT).first(),
            },
            tables=TABLES,
        )
        people = list(
            Enrolment.objects.filter(
                cohort=cohort, role=Enrolment.Role.MENTEE, status=Enrolment.Status.APPROVED
            )
            .order_by("pk")
            .values_list("person_id", flat=True)
        )
        # Somebody said beforehand they would only make it for round 4.
        attendance_mark(event=event, person_id=people[-2], arrives_round=4)
        rotation_plan_create(event=event, held_rounds=0, now=starts_at)
        # Somebody else never came: marked during round 3, the rounds after it planned again.
        attendance_mark(event=event, person_id=people[-1], arrives_round=None)
        plan = rotation_plan_create(event=event, now=now)
        rotation_plan_publish(event=event)
    except DomainError as exc:
        stdout.write(f"Flash: {EVENT_COHORT} not planned ({exc}).")
        return
    stdout.write(
        f"Flash: planned {EVENT_COHORT}, {plan.held_rounds} of {event.rounds} rounds held, "
        f"published."
    )
