"""Schemathesis against the API's own OpenAPI schema: generated requests, signed with a
read-write token, on a seeded world; no server error, and every response (its status, its
body) as the schema says.

Path parameters are drawn half the time from the world's real objects (else nearly every
request would stop at a 404) and half the time as Schemathesis generates them."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from jobs.models import Job
from matching.models import MatchRun, Proposal
from tests.api.conftest import SENTINEL

# Examples per operation: about 20 operations stay well under a minute together.
EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]


def api_schema() -> dict:
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(raw))


def test_the_schema_documents_every_api_route():
    paths = api_schema()["paths"]
    assert len(paths) >= 14
    assert "/api/v1/cohorts/{slug}/enrolments/" in paths
    assert {"get", "post"} <= set(paths["/api/v1/cohorts/{slug}/enrolments/"])
    start = paths["/api/v1/cohorts/{slug}/runs/"]["post"]["responses"]
    assert start["202"]["content"]["application/json"]["schema"]["$ref"].endswith("/Job")
    assert start["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/JobBusy")
    assert {"/api/v1/jobs/{id}/", "/api/v1/jobs/{id}/cancel/"} <= set(paths)


@pytest.fixture
def wsgi_app():
    """The real WSGI handler, kept from closing the test's database connection after each
    request (as Django's test client does): the test's transaction holds the world."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(org, other_coordinator):
    cohort = org["cohort"]
    run = MatchRun.objects.create(cohort=cohort, run_by=org["coordinator"])
    proposal = Proposal.objects.create(
        run=run,
        mentee=cohort.enrolments.get(person=org["people"]["E5"]),
        mentor=cohort.enrolments.get(person=org["people"]["M2"]),
        score=40,
        breakdown={"expertise": 30.0, "language": 10.0},
    )
    # A matching job the coordinator started, and one they did not (theirs: 404).
    job = Job.objects.create(
        kind="matching.run",
        title="Matching 2027",
        target_id=cohort.pk,
        created_by=org["coordinator"],
    )
    other_job = Job.objects.create(
        kind="matching.run", title="Theirs", target_id=cohort.pk, created_by=other_coordinator
    )
    return {
        "slug": [org["program"].slug, cohort.slug, "theirs", "theirs-2027"],
        "pk": [run.pk, proposal.pk, org["pairs"]["P1"].pk, org["pairs"]["P3"].pk],
        "id": [org["pairs"]["P1"].pk, org["pairs"]["P3"].pk, run.pk, job.pk, other_job.pk],
    }


def test_generated_requests_get_no_server_error_and_match_the_schema(
    seeded, org, token_for, wsgi_app
):
    schema = schemathesis.openapi.from_dict(api_schema())
    schema.app = wsgi_app
    headers = {"Authorization": f"Bearer {token_for(org['coordinator'], 'write')}"}
    tested = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        names = {p.name for p in operation.path_parameters}
        real = st.fixed_dictionaries({name: st.sampled_from(seeded[name]) for name in names})
        strategy = st.one_of(
            real.flatmap(lambda fixed, op=operation: op.as_strategy(path_parameters=fixed)),
            operation.as_strategy(),
        )

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def check(case):
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            assert SENTINEL not in response.text

        check()
        tested += 1
    assert tested >= 15
