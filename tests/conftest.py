from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import caches

from profiles.models import Person
from programs.models import Cohort, Enrolment
from programs.services import cohort_create, program_create
from tests.factories import (
    PASSWORD,
    CohortFactory,
    EnrolmentFactory,
    PersonFactory,
    create_user,
)
from tests.notifications.pairs import make_pair  # noqa: F401 - pairs for tests anywhere
from tests.permissions import module_world, shared_world, world  # noqa: F401 - the matrix's world
from tests.support.broker import PrivateRedis

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: sign-in rate limits and cached pages counted in
    one test must not reach the next (a fast run signs in more than 30 times a minute)."""
    yield
    for each in caches.all(initialized_only=True):
        each.clear()


def service_missing(reason: str) -> None:
    """Skip on a laptop without the service; fail in CI, where it must be there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1 makes this an error)", pytrace=False)
    pytest.skip(reason)


def _reachable(url: str | None, default_port: int) -> bool:
    if not url:
        return False
    parts = urlsplit(url)
    try:
        address = (parts.hostname or "127.0.0.1", parts.port or default_port)
        with socket.create_connection(address, timeout=2):
            return True
    except OSError:
        return False


def pytest_runtest_setup(item: pytest.Item) -> None:
    marked = {mark.name for mark in item.iter_markers()}
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgres" in marked and engine != "django.db.backends.postgresql":
        service_missing("needs PostgreSQL: set DATABASE_URL=postgres://...")
    needs_redis = marked & {"redis", "worker"}
    if needs_redis and not _reachable(os.environ.get("REDIS_URL"), 6379):
        service_missing("needs Redis: set REDIS_URL=redis://...")
    if "browser" in marked and not os.path.exists(CHROMIUM):
        service_missing(f"needs Debian's Chromium at {CHROMIUM}")


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def make_user(db, password):
    def make(**kwargs):
        return create_user(password, **kwargs)

    return make


@pytest.fixture
def plain_user(make_user):
    return make_user(email="plain@example.org")


@pytest.fixture
def site_admin(make_user):
    return make_user(email="admin@example.org", is_staff=True, is_superuser=True)


# --- People, programs and cohorts: one name, one meaning, in every folder ----------------------
# A cohort fixture is named for its status; all three are "2027" (leaders-2027) of `program`, run
# by `coordinator`: a test takes one of them.


@pytest.fixture
def make_person(make_user):
    """A person whose user can sign in with `password`; keyword arguments go to the user."""

    def make(email: str, **user_fields) -> Person:
        return PersonFactory(user=make_user(email=email, **user_fields))

    return make


@pytest.fixture
def coordinator(make_user):
    """Cora, who coordinates `program`."""
    return make_user(email="coord@example.org", first_name="Cora")


@pytest.fixture
def program(coordinator):
    """Leaders, a one-to-one program run by `coordinator`."""
    return program_create(name="Leaders", slug="leaders", coordinators=[coordinator])


@pytest.fixture
def draft_cohort(program):
    return cohort_create(program=program, name="2027", slug="leaders-2027")


@pytest.fixture
def matching_cohort(program):
    return cohort_create(
        program=program, name="2027", slug="leaders-2027", status=Cohort.Status.MATCHING
    )


@pytest.fixture
def active_cohort(program):
    """A cohort of `program` whose pairs meet (every 14 days)."""
    return CohortFactory(
        program=program, name="2027", slug="leaders-2027", status=Cohort.Status.ACTIVE
    )


@pytest.fixture
def enrol_email(make_user):
    """enrol_email(cohort, email, role=mentee, **fields): a new person with that address in
    `cohort` (invited, unless `status` is given)."""

    def enrol(cohort: Cohort, email: str, role: str = Enrolment.Role.MENTEE, **fields) -> Enrolment:
        person, _ = Person.objects.get_or_create(user=make_user(email=email))
        return Enrolment.objects.create(cohort=cohort, person=person, role=role, **fields)

    return enrol


def approved_participant(make_person, cohort: Cohort, role: str) -> Person:
    """Mona the mentor or Milo the mentee, approved in `cohort`."""
    if role == Enrolment.Role.MENTOR:
        person = make_person("mentor@example.org", first_name="Mona", last_name="Mentor")
    else:
        person = make_person("mentee@example.org", first_name="Milo", last_name="Mentee")
    EnrolmentFactory(cohort=cohort, person=person, role=role, status=Enrolment.Status.APPROVED)
    return person


@pytest.fixture
def redis_server(tmp_path):
    """A redis-server of the test's own (tests/support/broker.py), on a free port."""
    if shutil.which("redis-server") is None:
        service_missing("needs the redis-server binary on PATH")
    server = PrivateRedis(tmp_path).start()
    yield server
    server.kill()


@pytest.fixture
def mail_dir(tmp_path) -> Path:
    """Where worker processes write mail (EMAIL_URL=filemail://), one .eml per message."""
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder
