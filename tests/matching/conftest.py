from __future__ import annotations

import pytest

from programs.models import Enrolment
from tests.factories import PersonFactory, UserFactory
from tests.notifications.pairs import committed  # noqa: F401 - run a service and its mail


def make_person(email: str, *, manager=None, **fields):
    user = UserFactory(email=email, first_name=email.split("@")[0].title(), last_name="Test")
    return PersonFactory(user=user, manager=manager, **fields)


def enrol(cohort, person, role: str, *, status: str = "approved", **fields) -> Enrolment:
    return Enrolment.objects.create(
        cohort=cohort, person=person, role=role, status=status, **fields
    )


@pytest.fixture
def coordinator(make_user):
    return make_user(email="coord@example.org")


@pytest.fixture
def program(coordinator):
    from programs.services import program_create

    return program_create(name="Leaders", slug="leaders", coordinators=[coordinator])


@pytest.fixture
def cohort(program):
    from programs.services import cohort_create

    return cohort_create(program=program, name="2027", slug="leaders-2027", status="matching")


@pytest.fixture
def small_cohort(cohort):
    """Three mentees, two mentors (capacity 2 and 1); Max manages Ann."""
    max_ = make_person("max@example.org", seniority=7, department="Sales")
    people = {
        "ann": make_person("ann@example.org", manager=max_, seniority=2, department="Sales"),
        "bob": make_person("bob@example.org", seniority=2, department="Finance"),
        "cat": make_person("cat@example.org", seniority=3, department="Legal"),
        "max": max_,
        "zoe": make_person("zoe@example.org", seniority=6, department="Engineering"),
    }
    enrolments = {
        "ann": enrol(cohort, people["ann"], "mentee", interests=["python", "sales"]),
        "bob": enrol(cohort, people["bob"], "mentee", interests=["python"]),
        "cat": enrol(cohort, people["cat"], "mentee", interests=["law"]),
        "max": enrol(cohort, people["max"], "mentor", expertise=["sales", "python"], capacity=2),
        "zoe": enrol(cohort, people["zoe"], "mentor", expertise=["python"], capacity=1),
    }
    return {"cohort": cohort, "people": people, "enrolments": enrolments}
