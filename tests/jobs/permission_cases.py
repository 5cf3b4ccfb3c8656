"""A job's page is its starter's (and site admins'); everyone else gets a 404."""

from __future__ import annotations

from tests.permissions import ADMIN, COORD, Case, signed_in


def job(world: dict) -> dict:
    return {"pk": world["job"].pk}


CASES: dict[str, Case] = {
    "jobs:detail": Case(signed_in(404, **{ADMIN: 200, COORD: 200}), job),
    "jobs:cancel": Case(signed_in(404, **{ADMIN: 302, COORD: 302}), job, "post"),
}


def extend_world(world: dict) -> None:
    """A matching job the coordinator started on their cohort, not yet taken by a worker."""
    from jobs.models import Job

    world["job"] = Job.objects.create(
        kind="matching.run",
        title="Matching the coordinator's cohort",
        target_id=world["matching_cohort"].pk,
        created_by=world["users"][COORD],
    )
