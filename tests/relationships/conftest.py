from __future__ import annotations

import pytest

from programs.models import Enrolment
from relationships.services import agreement_confirm, mentorship_create
from tests.conftest import approved_participant


@pytest.fixture
def mentor(make_person, active_cohort):
    """Mona, an approved mentor of `active_cohort`."""
    return approved_participant(make_person, active_cohort, Enrolment.Role.MENTOR)


@pytest.fixture
def mentee(make_person, active_cohort):
    """Milo, an approved mentee of `active_cohort`."""
    return approved_participant(make_person, active_cohort, Enrolment.Role.MENTEE)


@pytest.fixture
def proposed_mentorship(active_cohort, mentor, mentee):
    """Mona and Milo, paired; neither has confirmed the agreement yet."""
    return mentorship_create(cohort=active_cohort, mentor=mentor, mentees=[mentee])


@pytest.fixture
def active_mentorship(proposed_mentorship, mentor, mentee):
    """Mona and Milo, both having confirmed the agreement."""
    for person in (mentor, mentee):
        agreement_confirm(mentorship=proposed_mentorship, person=person, actor=person.user)
    proposed_mentorship.refresh_from_db()
    return proposed_mentorship
