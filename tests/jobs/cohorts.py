"""Cohorts too big to build one factory call at a time."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from profiles.models import Person
from programs.models import Cohort, Enrolment, Program


def big_cohort(coordinator, mentees: int, mentors: int, slug: str = "kill") -> Cohort:
    """A cohort of the coordinator's with `mentees` mentees and `mentors` mentors (capacity 3),
    written in bulk."""
    User = get_user_model()
    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(
            email=f"p{i}@kill.example.org", first_name=f"P{i}", last_name="Kill", password=unusable
        )
        for i in range(mentees + mentors)
    )
    people = Person.objects.bulk_create(
        Person(user=user, seniority=1 + i % 10, department=f"D{i % 7}")
        for i, user in enumerate(users)
    )
    program = Program.objects.create(name=slug.title(), slug=slug)
    program.coordinators.add(coordinator)
    cohort = Cohort.objects.create(program=program, name=slug.title(), slug=slug, status="matching")
    tags = [f"t{n}" for n in range(30)]
    Enrolment.objects.bulk_create(
        Enrolment(
            cohort=cohort,
            person=person,
            status="approved",
            role="mentee" if i < mentees else "mentor",
            capacity=3,
            interests=[tags[i % 30], tags[(i * 7) % 30]],
            expertise=[tags[(i * 3) % 30], tags[(i * 11) % 30], tags[(i * 13) % 30]],
        )
        for i, person in enumerate(people)
    )
    return cohort
