"""Roles, expectations and the shared world of the permission matrix.

Each app lists its URL names in `tests/<app>/permission_cases.py` (CASES, and an optional
`extend_world(world)` that adds the objects its URLs point at); `CASE_MODULES` names them all.

Two fixtures hold the world: `world` builds it for the one test that asks; `shared_world` builds
it once per test module (`module_world`), inside a transaction rolled back when the module ends,
and runs each test in a savepoint of it that is rolled back after the test, so a POST case cannot
change what the next case sees. Every database test of a module that uses `shared_world` sees the
world once it is built: use it only in modules whose database tests all take it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import import_module

import pytest
from django.db import transaction

from tests.factories import create_user

CASE_MODULES = [
    "tests.core_permission_cases",
    "tests.programs.permission_cases",
    "tests.matching.permission_cases",
    "tests.flash.permission_cases",
    "tests.relationships.permission_cases",
    "tests.reports.permission_cases",
    "tests.scheduling.permission_cases",
    "tests.notifications.permission_cases",
    "tests.governance.permission_cases",
    "tests.api.permission_cases",
    "tests.jobs.permission_cases",
]

LOGIN = "login"  # a redirect to the sign-in page
ANON, USER, ADMIN = "anonymous", "user", "site_admin"
COORD, OTHER_COORD, MENTOR, MENTEE = "coordinator", "other_coordinator", "mentor", "mentee"
HR = "hr"
ROLES = (ANON, USER, ADMIN, COORD, OTHER_COORD, MENTOR, MENTEE, HR)
SIGNED_IN = ROLES[1:]


@dataclass(frozen=True)
class Case:
    expect: dict[str, int | str]
    kwargs: Callable[[dict], dict] = field(default=lambda world: {})
    method: str = "get"


def signed_in(status: int, **overrides: int | str) -> dict[str, int | str]:
    return {ANON: LOGIN} | dict.fromkeys(SIGNED_IN, status) | overrides


def everyone(status: int, **overrides: int | str) -> dict[str, int | str]:
    return dict.fromkeys(ROLES, status) | overrides


def anonymous_only(status: int) -> dict[str, int | str]:
    """allauth's entrance pages send a signed-in person on to the dashboard."""
    return {ANON: status} | dict.fromkeys(SIGNED_IN, 302)


def coordinators_only(status: int) -> dict[str, int | str]:
    """The program's own coordinators and site admins; 404 for everyone else signed in."""
    return signed_in(404, **{ADMIN: status, COORD: status})


@pytest.fixture
def world(db) -> dict:
    """A world of this test's own."""
    return build_world(create_user)


@contextmanager
def module_transaction(django_db_blocker) -> Iterator[None]:
    """A transaction held open across a module's tests and rolled back after the last one.

    The database stays blocked between tests: only tests marked for it (here, through `db`) reach
    it, each in a savepoint of this transaction. A module that holds one must not also run
    `transactional_db` or `live_server` tests: they would commit or flush inside it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker) -> Iterator[dict]:
    """The world, built once for the test module; tests take `shared_world`."""
    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            built = build_world(create_user)
        yield built


@pytest.fixture
def shared_world(module_world, db) -> dict:
    """The module's world, for one test: what the test writes is rolled back after it (`db`),
    and what it adds to the dict stays in this copy."""
    return module_world | {"users": dict(module_world["users"])}


def build_world(make_user: Callable[..., object]) -> dict:
    """One of everything a URL can point at, and a user for every role."""
    users = {
        USER: make_user(email="plain@example.org"),
        ADMIN: make_user(email="admin@example.org", is_staff=True, is_superuser=True),
        COORD: make_user(email="coordinator@example.org"),
        OTHER_COORD: make_user(email="other-coordinator@example.org"),
        MENTOR: make_user(email="mentor@example.org"),
        MENTEE: make_user(email="mentee@example.org"),
        HR: make_user(email="hr@example.org", is_hr_viewer=True),
    }
    world = {"users": users}
    for module in CASE_MODULES:
        extend = getattr(import_module(module), "extend_world", None)
        if extend is not None:
            extend(world)
    return world
