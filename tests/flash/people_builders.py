"""Flash events as participants see them: an event with tables, people enrolled in it, and a
published plan written as Meeting rows by hand (no planner). tests/flash/builders.py makes
events the planner plans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from flash.models import Meeting, RotationPlan
from profiles.models import Person
from programs.models import Cohort, FlashEvent, FlashTable, Format
from programs.services import cohort_create, program_create
from tests.factories import PASSWORD, PersonFactory, create_user, enrol_person

START = dt.datetime(2027, 3, 4, 14, 0, tzinfo=dt.UTC)  # a Thursday afternoon in London


@dataclass
class EventByHand:
    event: FlashEvent
    follow_on: Cohort
    tables: list[FlashTable]
    people: dict[str, Person] = field(default_factory=dict)

    @property
    def cohort(self) -> Cohort:
        return self.event.cohort


def person_in_zone(
    email: str, *, tz: str = "UTC", first_name: str = "", last_name: str = "", **fields
):
    """Someone who can sign in (tests.conftest.PASSWORD), in time zone `tz`."""
    names = {"first_name": first_name, "last_name": last_name}
    user = create_user(PASSWORD, email=email, timezone=tz, **{k: v for k, v in names.items() if v})
    return PersonFactory(user=user, **fields)


def event_by_hand(
    *,
    slug: str = "speed-2027",
    coordinators=(),
    starts_at: dt.datetime | None = START,
    rounds: int = 3,
    round_minutes: int = 10,
    break_minutes: int = 5,
    tables: tuple[str, ...] = ("Table A", "Table B"),
    links: tuple[str, ...] = (),
) -> EventByHand:
    program = program_create(
        name=f"Flash {slug}", slug=f"{slug}-program", format=Format.FLASH, coordinators=coordinators
    )
    cohort = cohort_create(
        program=program,
        name=f"Speed mentoring {slug}",
        slug=slug,
        flash={
            "starts_at": starts_at,
            "rounds": rounds,
            "round_minutes": round_minutes,
            "break_minutes": break_minutes,
        },
    )
    one_to_one = program_create(
        name=f"Follow-on {slug}", slug=f"{slug}-follow-on", coordinators=coordinators
    )
    follow_on = cohort_create(program=one_to_one, name="Follow-on", slug=f"{slug}-after")
    event = cohort.flash_event
    event.follow_on_cohort = follow_on
    event.save()
    made = [
        FlashTable.objects.create(
            event=event, name=name, link=links[i] if i < len(links) else "", position=i
        )
        for i, name in enumerate(tables)
    ]
    return EventByHand(event=event, follow_on=follow_on, tables=made)


def take_part(world: EventByHand, person: Person, role: str, key: str | None = None) -> Person:
    """`person` approved in the event as `role`, remembered as `world.people[key]`."""
    enrol_person(world.cohort, person, role)
    if key:
        world.people[key] = person
    return person


def meet(
    world: EventByHand, round_: int, mentee: Person, mentor: Person, table: int = 0
) -> Meeting:
    return Meeting.objects.create(
        event=world.event,
        round=round_,
        mentee=mentee,
        mentor=mentor,
        table=world.tables[table] if world.tables else None,
        score=50.0,
    )


def publish(world: EventByHand, *, at: dt.datetime | None = None) -> RotationPlan:
    plan, _created = RotationPlan.objects.update_or_create(
        event=world.event,
        defaults={"planned_at": at or timezone.now(), "published_at": at or timezone.now()},
    )
    world.event.refresh_from_db()
    return plan


def four_people(
    *, coordinators=(), starts_at: dt.datetime | None = START, published: bool = True
) -> EventByHand:
    """Two mentees and two mentors in three rounds; in round 3 everyone sits out.

        round 1  Ana (Berlin) at Table A with Mia (Tokyo) · Ben (New York) at Table B with Max
        round 2  Ana at Table B with Max · Ben at Table A with Mia

    Table B is a video room."""
    world = event_by_hand(
        coordinators=coordinators,
        starts_at=starts_at,
        links=("", "https://video.example.org/room-b"),
    )
    ana, ben, mia, max_ = (
        take_part(
            world,
            person_in_zone(email, tz=tz, first_name=first, last_name=last, **fields),
            role,
            key,
        )
        for key, email, tz, first, last, role, fields in (
            ("ana", "ana@example.org", "Europe/Berlin", "Ana", "Silva", "mentee",
             {"job_title": "Analyst", "department": "Finance"}),
            ("ben", "ben@example.org", "America/New_York", "Ben", "Ng", "mentee",
             {"department": "Sales"}),
            ("mia", "mia@example.org", "Asia/Tokyo", "Mia", "Okafor", "mentor",
             {"job_title": "Head of Data", "department": "Data"}),
            ("max", "max@example.org", "UTC", "Max", "Berg", "mentor",
             {"job_title": "CTO", "department": "Tech"}),
        )
    )  # fmt: skip
    meet(world, 1, ana, mia, table=0)
    meet(world, 1, ben, max_, table=1)
    meet(world, 2, ana, max_, table=1)
    meet(world, 2, ben, mia, table=0)
    if published:
        publish(world)
    return world
