"""The API: coordinators, HR viewers and site admins get in (anyone else signed in: 403, nobody
signed in: 401); each object is then scoped as on the pages, 404 for what is not theirs.

The matrix signs in with the session; tests/api/test_tokens.py checks the same with tokens."""

from __future__ import annotations

from tests.permissions import (
    ADMIN,
    ANON,
    COORD,
    HR,
    LOGIN,
    MENTEE,
    MENTOR,
    OTHER_COORD,
    USER,
    Case,
)

API_USERS = (ADMIN, COORD, OTHER_COORD, HR)


def api(status: int, **overrides: int | str) -> dict[str, int | str]:
    """Every API user gets `status`; 401 without credentials, 403 for everyone else."""
    return (
        {ANON: 401, USER: 403, MENTOR: 403, MENTEE: 403}
        | dict.fromkeys(API_USERS, status)
        | overrides
    )


def ours(status: int) -> dict[str, int | str]:
    """An object of the coordinator's program: theirs and the site admins'; 404 for the other
    API users (another coordinator, an HR viewer)."""
    return api(404, **{ADMIN: status, COORD: status})


def page(status: int, **overrides: int | str) -> dict[str, int | str]:
    """A page of the site (signed in by session only)."""
    return api(status, **{ANON: LOGIN}) | overrides


def program(world: dict) -> dict:
    return {"slug": world["program"].slug}


def cohort(world: dict) -> dict:
    return {"slug": world["cohort"].slug}


def matching_cohort(world: dict) -> dict:
    return {"slug": world["matching_cohort"].slug}


def run(world: dict) -> dict:
    return matching_cohort(world) | {"pk": world["match_run"].pk}


def proposal(world: dict) -> dict:
    return matching_cohort(world) | {"pk": world["proposal"].pk}


def job(world: dict) -> dict:
    """The coordinator's queued matching job (tests/jobs/permission_cases.py)."""
    return {"pk": world["job"].pk}


CASES: dict[str, Case] = {
    "api:tokens": Case(page(200)),
    "api:token_revoke": Case(
        page(404, **{COORD: 302}), lambda w: {"pk": w["api_token"].pk}, "post"
    ),
    "api:schema": Case(api(200)),
    "api:docs": Case(page(200)),
    "api:program_list": Case(api(200)),
    "api:program_detail": Case(ours(200), program),
    "api:cohort_list": Case(api(200)),
    "api:cohort_detail": Case(ours(200), cohort),
    "api:enrolment_list": Case(ours(200), cohort),
    "api:run_list": Case(ours(200), matching_cohort),
    "api:run_detail": Case(ours(200), run),
    "api:proposal_list": Case(ours(200), run),
    "api:run_publish": Case(ours(200), run, "post"),
    "api:proposal_lock": Case(ours(200), proposal, "post"),
    "api:proposal_reject": Case(ours(204), proposal, "post"),
    # A job is its starter's (the coordinator's) and the site admins', as its page is.
    "api:job_detail": Case(ours(200), job),
    "api:job_cancel": Case(ours(202), job, "post"),
    "api:mentorship_list": Case(api(200)),
    "api:mentorship_detail": Case(ours(200), lambda w: {"pk": w["mentorship"].pk}),
    # HR viewers read the whole organisation's aggregates; coordinators their programs'.
    "api:participation_report": Case(api(200)),
}


def extend_world(world: dict) -> None:
    from api.services import api_token_create

    world["api_token"] = api_token_create(
        user=world["users"][COORD], name="Sync", scope="write", expires_in_days=30
    ).token
