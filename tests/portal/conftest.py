from __future__ import annotations

import pytest

from matching.loading import settings_for
from programs.services import cohort_create, program_create
from tests.relationships.conftest import make_person, mentee, mentor  # noqa: F401


@pytest.fixture
def coordinator(make_user):
    return make_user(email="coord@example.org", first_name="Cora")


@pytest.fixture
def program(coordinator):
    """A program that takes mentor requests, run by `coordinator`."""
    program = program_create(name="Leaders", slug="leaders", coordinators=[coordinator])
    settings = settings_for(program)
    settings.requests_allowed = True
    settings.request_expiry_days = 7
    settings.save()
    return program


@pytest.fixture
def cohort(program):
    return cohort_create(program=program, name="2027", slug="leaders-2027", status="matching")
