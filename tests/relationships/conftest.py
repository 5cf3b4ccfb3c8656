from __future__ import annotations

import pytest

from relationships.services import agreement_confirm, mentorship_create
from tests.factories import CohortFactory, EnrolmentFactory, PersonFactory, ProgramFactory


@pytest.fixture
def program(db):
    return ProgramFactory(slug="leaders", cadence_days=14)


@pytest.fixture
def cohort(program):
    return CohortFactory(program=program, slug="leaders-2027", status="active")


@pytest.fixture
def make_person(make_user):
    def make(email: str, **kwargs):
        return PersonFactory(user=make_user(email=email, **kwargs))

    return make


@pytest.fixture
def mentor(make_person, cohort):
    person = make_person("mentor@example.org", first_name="Mona", last_name="Mentor")
    EnrolmentFactory(cohort=cohort, person=person, role="mentor", status="approved")
    return person


@pytest.fixture
def mentee(make_person, cohort):
    person = make_person("mentee@example.org", first_name="Milo", last_name="Mentee")
    EnrolmentFactory(cohort=cohort, person=person, role="mentee", status="approved")
    return person


@pytest.fixture
def proposed(cohort, mentor, mentee):
    return mentorship_create(cohort=cohort, mentor=mentor, mentees=[mentee])


@pytest.fixture
def active(proposed, mentor, mentee):
    agreement_confirm(mentorship=proposed, person=mentor, actor=mentor.user)
    agreement_confirm(mentorship=proposed, person=mentee, actor=mentee.user)
    proposed.refresh_from_db()
    return proposed
