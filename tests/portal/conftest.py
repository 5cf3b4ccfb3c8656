from __future__ import annotations

import pytest

from matching.loading import settings_for
from programs.models import Enrolment
from tests.conftest import approved_participant


@pytest.fixture
def requests_program(program):
    """`program`, taking mentor requests (a mentor has 7 days to answer)."""
    settings = settings_for(program)
    settings.requests_allowed = True
    settings.request_expiry_days = 7
    settings.save()
    return program


@pytest.fixture
def requests_cohort(requests_program, matching_cohort):
    """`matching_cohort`, in `requests_program`."""
    return matching_cohort


@pytest.fixture
def requests_mentor(make_person, requests_cohort):
    return approved_participant(make_person, requests_cohort, Enrolment.Role.MENTOR)


@pytest.fixture
def requests_mentee(make_person, requests_cohort):
    return approved_participant(make_person, requests_cohort, Enrolment.Role.MENTEE)
