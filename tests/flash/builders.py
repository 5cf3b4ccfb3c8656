"""Builders for flash events, shared by the coordinator's and the participants' tests.

    event = flash_event(mentors=3, mentees=5)             # planned, 6 rounds of 10 minutes
    event.cohort, event.coordinator, event.mentors[0], event.plan, event.meetings(round_=1)

Everyone is enrolled through the product's own services and approved; the plan is made by
`flash.services.rotation_plan_create`, the one path the event page and the command take.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from flash.models import Meeting, RotationPlan
from flash.services import rotation_plan_create, rotation_plan_publish
from profiles.models import Person
from programs.models import Cohort, Enrolment, FlashEvent, FlashTable, Program
from programs.services import cohort_create, program_create
from tests.factories import PersonFactory, UserFactory

_serial = itertools.count(1)
# A fixed start keeps plans and times reproducible; tests that need "now" use time-machine.
STARTS_AT = dt.datetime(2027, 3, 4, 14, 0, tzinfo=dt.UTC)


@dataclass
class FlashWorld:
    program: Program
    cohort: Cohort
    event: FlashEvent
    coordinator: object  # the User coordinating the program
    mentors: list[Person]
    mentees: list[Person]
    both: list[Person] = field(default_factory=list)

    @property
    def plan(self) -> RotationPlan | None:
        return RotationPlan.objects.filter(event=self.event).first()

    @property
    def tables(self) -> list[FlashTable]:
        return list(self.event.tables.order_by("position", "pk"))

    def meetings(self, round_: int | None = None) -> list[Meeting]:
        qs = Meeting.objects.filter(event=self.event).select_related("mentee", "mentor", "table")
        if round_ is not None:
            qs = qs.filter(round=round_)
        return list(qs.order_by("round", "mentor_id", "mentee_id"))


def flash_person(email: str | None = None, **fields) -> Person:
    n = next(_serial)
    user = UserFactory(email=email or f"flash{n}@example.org")
    return PersonFactory(user=user, **fields)


def flash_event(
    *,
    mentors: int = 3,
    mentees: int = 5,
    both: int = 0,
    planned: bool = True,
    published: bool = False,
    coordinator=None,
    slug: str | None = None,
    tables: int | list[str] | None = None,
    starts_at: dt.datetime | None = STARTS_AT,
    **event_fields: object,
) -> FlashWorld:
    """A flash cohort with `mentors` mentors, `mentees` mentees and `both` people enrolled as
    both, all approved; planned unless `planned=False` (and published with `published=True`).

    `tables`: a number of tables named "Table 1"…, or their names; default one per mentor.
    `event_fields` go to the event (rounds, round_minutes, break_minutes, table_size)."""
    n = next(_serial)
    slug = slug or f"flash-{n}"
    if coordinator is None:
        coordinator = UserFactory(email=f"flash-coordinator{n}@example.org")
    program = program_create(
        name=f"Flash {n}", slug=f"{slug}-program", format="flash", coordinators=[coordinator]
    )
    cohort = cohort_create(
        program=program,
        name=f"Flash event {n}",
        slug=slug,
        status=Cohort.Status.ACTIVE,
        flash={"starts_at": starts_at, **event_fields},
    )
    event = cohort.flash_event
    if tables is None:
        tables = mentors + both
    names = [f"Table {i}" for i in range(1, tables + 1)] if isinstance(tables, int) else tables
    FlashTable.objects.bulk_create(
        FlashTable(event=event, name=name, position=i) for i, name in enumerate(names, start=1)
    )

    def enrol(role: str, count: int, label: str) -> list[Person]:
        people = [flash_person(f"{slug}-{label}{i}@example.org") for i in range(1, count + 1)]
        Enrolment.objects.bulk_create(
            Enrolment(cohort=cohort, person=p, role=role, status=Enrolment.Status.APPROVED)
            for p in people
        )
        return people

    world = FlashWorld(
        program=program,
        cohort=cohort,
        event=event,
        coordinator=coordinator,
        mentors=enrol("mentor", mentors, "mentor"),
        mentees=enrol("mentee", mentees, "mentee"),
        both=enrol("both", both, "both"),
    )
    if planned or published:
        rotation_plan_create(event=event, planned_by=coordinator, held_rounds=0)
    if published:
        rotation_plan_publish(event=event)
    return world
