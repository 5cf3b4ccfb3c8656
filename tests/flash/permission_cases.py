"""Flash events: the coordinator's event pages, and each participant's own schedule."""

from __future__ import annotations

from tests.flash.builders import flash_event
from tests.permissions import COORD, MENTEE, MENTOR, Case, coordinators_only, signed_in


def flash_cohort(world: dict) -> dict:
    return {"slug": world["flash_event"].cohort.slug}


def participants_only(status: int) -> dict[str, int | str]:
    """A participant's own pages: the people taking part; everyone else (coordinators and
    site admins included) gets 404."""
    return signed_in(404, **{MENTOR: status, MENTEE: status})


CASES: dict[str, Case] = {
    # Each participant's own pages (flash/participant_views.py).
    "flash:my_schedule": Case(participants_only(200), flash_cohort),
    "flash:my_schedule_ics": Case(participants_only(200), flash_cohort),
    "flash:choose": Case(participants_only(200), flash_cohort),
    "flash:survey": Case(participants_only(200), flash_cohort),
    "flash:follow_on": Case(coordinators_only(200), flash_cohort),
    "flash:follow_on_propose": Case(coordinators_only(302), flash_cohort, "post"),
}


# --- The coordinator's event pages (flash/views.py) ------------------------------------------


def event(world: dict) -> dict:
    return {"slug": world["flash_planned"].cohort.slug}


CASES |= {
    "flash:event": Case(coordinators_only(200), event),
    "flash:event_settings": Case(coordinators_only(200), event),
    "flash:event_print": Case(coordinators_only(200), event),
    "flash:event_csv": Case(coordinators_only(200), event),
    "flash:event_plan": Case(coordinators_only(302), event, "post"),
    "flash:event_publish": Case(coordinators_only(302), event, "post"),
    "flash:event_attendance": Case(coordinators_only(302), event, "post"),
}


def extend_world(world: dict) -> None:
    # A planned event of a flash program the world's coordinator runs.
    world["flash_planned"] = flash_event(
        mentors=2, mentees=3, rounds=3, coordinator=world["users"][COORD], slug="flash-planned"
    )
    _extend_participants(world)


def _extend_participants(world: dict) -> None:
    """A flash event of the coordinator's, held two days ago with a published plan: the world's
    mentor and mentee met in round 1; the mentee chose the mentor (not mutual) and answered the
    survey. Its follow-on cohort is a cohort of the coordinator's one-to-one program."""
    from datetime import timedelta

    from django.utils import timezone

    from flash.models import Choice, Meeting, RotationPlan, SurveyResponse
    from profiles.models import Person
    from programs.models import Enrolment, FlashTable, Format
    from programs.services import cohort_create, program_create

    users = world["users"]
    program = program_create(
        name="Ours flash", slug="ours-flash", format=Format.FLASH, coordinators=[users[COORD]]
    )
    now = timezone.now()
    cohort = cohort_create(
        program=program,
        name="Speed mentoring",
        slug="ours-flash-event",
        flash={"starts_at": now - timedelta(days=2), "rounds": 2},
    )
    event = cohort.flash_event
    event.follow_on_cohort = cohort_create(
        program=world["program"], name="After the flash event", slug="ours-after-flash"
    )
    event.save()
    people = {role: Person.objects.get(user=users[role]) for role in (MENTOR, MENTEE)}
    for role, someone in people.items():
        Enrolment.objects.create(
            cohort=cohort, person=someone, role=role, status=Enrolment.Status.APPROVED
        )
    table = FlashTable.objects.create(event=event, name="Table 1")
    Meeting.objects.create(
        event=event, round=1, mentee=people[MENTEE], mentor=people[MENTOR], table=table
    )
    RotationPlan.objects.create(event=event, planned_at=now, published_at=now)
    Choice.objects.create(event=event, person=people[MENTEE], chosen=people[MENTOR])
    SurveyResponse.objects.create(
        event=event, person=people[MENTEE], usefulness=4, met_fit=True, would_return=False
    )
    world["flash_event"] = event
