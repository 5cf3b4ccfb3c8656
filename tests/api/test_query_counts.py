"""The API's lists cost the same queries whatever their length."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching.models import MatchRun, Proposal
from tests.factories import CohortFactory, EnrolmentFactory, PersonFactory, ProgramFactory, paired


def grow(coordinator, size: int) -> dict:
    """A program of the coordinator's with `size` cohorts, pairs, proposals and more."""
    program = ProgramFactory(slug=f"ours-{size}")
    program.coordinators.add(coordinator)
    cohort = CohortFactory(program=program, slug=f"ours-{size}-2027")
    run = MatchRun.objects.create(cohort=cohort)
    for _ in range(size):
        CohortFactory(program=program)
        mentor, mentee = PersonFactory(), PersonFactory()
        paired(cohort=cohort, mentor=mentor, mentees=[mentee])
        Proposal.objects.create(
            run=run,
            mentee=cohort.enrolments.get(person=mentee),
            mentor=cohort.enrolments.get(person=mentor),
            score=10,
            breakdown={"expertise": 10.0},
        )
        EnrolmentFactory(cohort=cohort)
    return {"cohort": cohort.slug, "run": run.pk}


URLS = {
    "programs": lambda w: reverse("api:program_list"),
    "cohorts": lambda w: reverse("api:cohort_list"),
    "enrolments": lambda w: reverse("api:enrolment_list", args=[w["cohort"]]),
    "runs": lambda w: reverse("api:run_list", args=[w["cohort"]]),
    "proposals": lambda w: reverse("api:proposal_list", args=[w["cohort"], w["run"]]),
    "mentorships": lambda w: reverse("api:mentorship_list"),
}


@pytest.mark.parametrize("name", sorted(URLS))
def test_a_list_costs_the_same_queries_at_two_sizes(name, make_user, client_with):
    counts = []
    for size in (2, 6):
        coordinator = make_user(email=f"coordinator{size}@example.org")
        world = grow(coordinator, size)
        api = client_with(coordinator)
        with CaptureQueriesContext(connection) as queries:
            response = api.get(URLS[name](world))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{name}: {counts}"
