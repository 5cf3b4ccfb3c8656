from __future__ import annotations

import pytest

from programs.models import Enrolment
from tests.factories import enrol_person, person_from_email
from tests.notifications.pairs import committed  # noqa: F401 - run a service and its mail

MENTEE, MENTOR = Enrolment.Role.MENTEE, Enrolment.Role.MENTOR


@pytest.fixture
def small_cohort(matching_cohort):
    """`matching_cohort` with three mentees, two mentors (capacity 2 and 1); Max manages Ann."""
    cohort = matching_cohort
    max_ = person_from_email("max@example.org", seniority=7, department="Sales")
    people = {
        "ann": person_from_email("ann@example.org", manager=max_, seniority=2, department="Sales"),
        "bob": person_from_email("bob@example.org", seniority=2, department="Finance"),
        "cat": person_from_email("cat@example.org", seniority=3, department="Legal"),
        "max": max_,
        "zoe": person_from_email("zoe@example.org", seniority=6, department="Engineering"),
    }
    enrolments = {
        "ann": enrol_person(cohort, people["ann"], MENTEE, interests=["python", "sales"]),
        "bob": enrol_person(cohort, people["bob"], MENTEE, interests=["python"]),
        "cat": enrol_person(cohort, people["cat"], MENTEE, interests=["law"]),
        "max": enrol_person(
            cohort, people["max"], MENTOR, expertise=["sales", "python"], capacity=2
        ),
        "zoe": enrol_person(cohort, people["zoe"], MENTOR, expertise=["python"], capacity=1),
    }
    return {"cohort": cohort, "people": people, "enrolments": enrolments}
