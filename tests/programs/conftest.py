from __future__ import annotations

import pytest

from profiles.models import Person
from programs.models import Cohort, Enrolment
from programs.services import cohort_create, program_create


@pytest.fixture
def coordinator(make_user):
    return make_user(email="coord@example.org", first_name="Cora")


@pytest.fixture
def program(coordinator):
    return program_create(name="Leaders", slug="leaders", coordinators=[coordinator])


@pytest.fixture
def cohort(program):
    return cohort_create(program=program, name="2027", slug="leaders-2027")


@pytest.fixture
def enrol(make_user):
    def enrol(cohort: Cohort, email: str, role: str = "mentee", **fields) -> Enrolment:
        user = make_user(email=email)
        person, _ = Person.objects.get_or_create(user=user)
        return Enrolment.objects.create(cohort=cohort, person=person, role=role, **fields)

    return enrol
