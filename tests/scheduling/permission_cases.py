"""Meetings are the pair's: its two members open them, everyone else (coordinators and site
admins included) gets 404. The calendar feed needs no session, only its secret token."""

from __future__ import annotations

from tests.permissions import MENTEE, MENTOR, Case, coordinators_only, everyone, signed_in


def members_only(status: int) -> dict[str, int | str]:
    return signed_in(404, **{MENTOR: status, MENTEE: status})


def meeting(world: dict) -> dict:
    return {"pk": world["meeting"].pk}


CASES: dict[str, Case] = {
    "scheduling:meeting_list": Case(signed_in(200)),
    "scheduling:meeting_create": Case(
        members_only(200), lambda w: {"pk": w["meeting"].mentorship_id}
    ),
    "scheduling:meeting_book": Case(
        members_only(200), lambda w: {"pk": w["meeting"].mentorship_id}
    ),
    "scheduling:meeting_detail": Case(members_only(200), meeting),
    "scheduling:meeting_repeat": Case(members_only(302), meeting, "post"),
    "scheduling:meeting_edit": Case(members_only(200), meeting),
    "scheduling:meeting_cancel": Case(members_only(302), meeting, "post"),
    "scheduling:meeting_ics": Case(members_only(200), meeting),
    "scheduling:meeting_log": Case(members_only(302), meeting),
    "scheduling:calendar_settings": Case(signed_in(200)),
    "scheduling:calendar_renew": Case(signed_in(302), method="post"),
    "scheduling:calendar_revoke": Case(signed_in(302), method="post"),
    "scheduling:calendar_feed": Case(everyone(200), lambda w: {"token": w["calendar_feed"].token}),
    "scheduling:reminder_settings": Case(
        coordinators_only(200), lambda w: {"slug": w["program"].slug}
    ),
}


def extend_world(world: dict) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from profiles.models import Person
    from profiles.services import availability_set
    from relationships.services import mentorship_create
    from scheduling.models import CalendarFeed
    from scheduling.services import meeting_schedule

    mentorship = world.get("mentorship")
    if mentorship is None:
        people = [Person.objects.get(user=world["users"][role]) for role in (MENTOR, MENTEE)]
        mentorship = mentorship_create(cohort=world["cohort"], mentor=people[0], mentees=people[1:])
        world["mentorship"] = mentorship
    world["meeting"] = meeting_schedule(
        mentorship=mentorship,
        scheduled_by=world["users"][MENTOR],
        start=timezone.now() + timedelta(days=7),
        format="phone",
    )
    world["calendar_feed"] = CalendarFeed.objects.create(user=world["users"][MENTEE])
    # Free every day, so the booking page always offers times (and its form is fuzzed).
    for person, (start, end) in zip(mentorship.members(), ((6, 22), (8, 20)), strict=False):
        availability_set(person=person, ranges=[(day, start * 60, end * 60) for day in range(7)])
