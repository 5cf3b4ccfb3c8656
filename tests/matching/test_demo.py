from __future__ import annotations

from io import StringIO

import pytest

from matching.models import MatchRun, MentorRequest
from portal.demo import matching as demo
from programs.services import cohort_create
from tests.factories import enrol_person, person_from_email

pytestmark = pytest.mark.django_db


def test_demo_seed_publishes_and_asks_once(small_cohort, program):
    cohort = small_cohort["cohort"]
    cohort.slug = demo.ACTIVE_COHORT
    cohort.save()
    spring = cohort_create(program=program, name="Spring", slug=demo.REQUEST_COHORT)
    enrol_person(spring, person_from_email("spring-mentee@example.org"), "mentee", interests=["x"])
    enrol_person(spring, person_from_email("spring-mentor@example.org", seniority=7), "mentor")
    out = StringIO()
    demo.seed(out)
    demo.seed(out)
    assert MatchRun.objects.filter(cohort=cohort, status="published").count() == 1
    assert MentorRequest.objects.filter(cohort=spring, status="pending").count() == 1
    assert "already published" in out.getvalue()
