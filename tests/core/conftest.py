from __future__ import annotations

import pytest

from matching.loading import settings_for
from programs.services import cohort_create, program_create
from tests.factories import EnrolmentFactory, PersonFactory


@pytest.fixture
def coordinator(make_user):
    return make_user(email="coord@example.org", first_name="Cora")


@pytest.fixture
def program(coordinator):
    program = program_create(name="Leaders", slug="leaders", coordinators=[coordinator])
    settings = settings_for(program)
    settings.requests_allowed = True
    settings.request_expiry_days = 7
    settings.save()
    return program


@pytest.fixture
def cohort(program):
    return cohort_create(program=program, name="2027", slug="leaders-2027", status="matching")


@pytest.fixture
def make_person(make_user):
    def make(email: str, **kwargs):
        return PersonFactory(user=make_user(email=email, **kwargs))

    return make


@pytest.fixture
def mentor(make_person, cohort):
    person = make_person("mentor@example.org", first_name="Mona", last_name="Mentor")
    EnrolmentFactory(cohort=cohort, person=person, role="mentor", status="approved", capacity=2)
    return person


@pytest.fixture
def mentee(make_person, cohort):
    person = make_person("mentee@example.org", first_name="Milo", last_name="Mentee")
    EnrolmentFactory(cohort=cohort, person=person, role="mentee", status="approved")
    return person
