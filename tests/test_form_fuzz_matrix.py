"""The form fuzz matrix: no value in any field of any form makes a page answer 5xx.

Every POST form a page of the permission matrix shows to a role that may open it (found as in
tests/test_round_trip_matrix.py, its fields read from the rendered page, see tests/form_fuzz.py)
is submitted once per field and hostile value, every other field as the page filled it, by that
role. No answer may be a 5xx. After a value is accepted, the pages that show the object (the
matrix's pages that take the same URL arguments, and where the form sent the person) still open
for every role that may open them; after an accepted value that wrote nothing, only where the
person was sent is opened once the others were (the world is the one they were opened in). A
field is fuzzed once, by the first role whose form has it.

The world is built once for the module inside a transaction; each submission runs in a savepoint
that is rolled back, so every case starts from the same world. Run it on PostgreSQL: NUL bytes
and lengths fail only there.
"""

from __future__ import annotations

import copy

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import PASSWORD, create_user
from tests.form_fuzz import HtmlForm, label, payloads, post_forms
from tests.permissions import ADMIN, ANON, COORD, build_world
from tests.test_permission_matrix import MATRIX

# Marked so that the test database is set up; each test runs in a savepoint of the module's
# transaction.
pytestmark = pytest.mark.django_db

GET_PAGES = sorted(name for name, case in MATRIX.items() if case.method == "get")
# The token is not checked by the test client; signing out is not a form's data.
NOT_FUZZED = {"csrfmiddlewaretoken"}
SKIP_ACTIONS = ("/accounts/logout/",)
WRITES = ("INSERT", "UPDATE", "DELETE")

# Cases that answer 5xx today and need more than a small fix: page name -> reason.
KNOWN_5XX: dict[str, str] = {}


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    """The permission matrix's world, built once; nothing the module does is kept."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world(lambda **kwargs: create_user(PASSWORD, **kwargs))
        clients = {ANON: Client()}
        for role, user in world["users"].items():
            clients[role] = Client()
            clients[role].force_login(user)
        world["clients"] = clients
        yield world
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def fuzzed() -> set:
    """(action, button, field) already fuzzed (the same form can sit on several pages, and
    show more fields to one role than to another)."""
    return set()


def url_of(name: str, world: dict) -> str:
    return reverse(name, kwargs=MATRIX[name].kwargs(world))


def showing_pages(name: str, world: dict, submitter: str) -> list[tuple[str, str]]:
    """(role, url) for every page of the matrix that takes the same URL arguments as `name` (it
    shows the same object), and `name` itself, for every role that may open it. A page without
    arguments shows the submitter's own things: it is opened by the submitter only."""
    kwargs = MATRIX[name].kwargs(world).items()
    if not kwargs:
        return [(submitter, url_of(name, world))]
    found = []
    for other in GET_PAGES:
        case = MATRIX[other]
        if other != name and not (kwargs and kwargs <= case.kwargs(world).items()):
            continue
        url = url_of(other, world)
        roles = {role for role, status in case.expect.items() if status == 200}
        if COORD in roles:  # a site admin sees what the coordinator sees
            roles.discard(ADMIN)
        found += [(role, url) for role in sorted(roles)]
    return found


def submit(client: Client, url: str, data: dict) -> tuple[int, str]:
    try:
        response = client.post(url, data)
    except Exception as error:  # the test client re-raises what the view raised: a 500
        return 500, f"{type(error).__name__}: {str(error)[:200]}"
    return response.status_code, response.get("Location", "")


def fuzz(
    form: HtmlForm, fields: list[str], client: Client, world: dict, pages: list[tuple[str, str]]
) -> list[str]:
    failures = []
    unchanged_seen = False  # the pages were opened once after a submission that wrote nothing
    for field in fields:
        for value in payloads(form.kinds[field]):
            cookies = copy.deepcopy(client.cookies)
            data = form.post_data() | {field: value}
            with transaction.atomic():
                with CaptureQueriesContext(connection) as queries:
                    status, where = submit(client, form.action, data)
                case = f"POST {form.action} {field}={label(value)}"
                if status >= 500:
                    failures.append(f"{case}: {status} {where}")
                elif status in (301, 302):
                    # A submission that wrote nothing left every page as the last one that wrote
                    # nothing did: only where the submitter is sent differs (its message).
                    unchanged = not wrote(queries)
                    shown = [] if unchanged and unchanged_seen else pages
                    unchanged_seen |= unchanged
                    failures += after_accepting(case, world, shown, client, where)
                transaction.set_rollback(True)
            client.cookies = cookies
    return failures


def wrote(queries: CaptureQueriesContext) -> bool:
    """Whether the submission changed a row others can see (its own session aside)."""
    return any(
        query["sql"].lstrip().upper().startswith(WRITES) and '"django_session"' not in query["sql"]
        for query in queries.captured_queries
    )


def after_accepting(case, world, pages, client, where) -> list[str]:
    failures = []
    visits = [(world["clients"][role], role, url) for role, url in pages]
    if where.startswith("/"):
        visits.append((client, None, where))
    done = set()
    for viewer, role, url in visits:
        if (id(viewer), url) in done:  # the submitter sent back to a page just opened
            continue
        done.add((id(viewer), url))
        cookies = copy.deepcopy(viewer.cookies)
        try:
            status = viewer.get(url).status_code
        except Exception as error:
            status = f"500 {type(error).__name__}: {str(error)[:200]}"
        viewer.cookies = cookies
        if not isinstance(status, int) or status >= 500:
            failures.append(f"{case} accepted, then GET {url} as {role or 'submitter'}: {status}")
    return failures


def page_cases():
    for name in GET_PAGES:
        reason = KNOWN_5XX.get(name)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        yield pytest.param(name, marks=marks, id=name)


@pytest.mark.parametrize("name", list(page_cases()))
def test_no_value_in_any_form_field_makes_a_5xx(name, fuzz_world, fuzzed):
    world, case = fuzz_world, MATRIX[name]
    url = url_of(name, world)
    failures = []
    for role, status in case.expect.items():
        if status != 200:
            continue
        client = world["clients"][role]
        response = client.get(url)
        if "html" not in response.get("Content-Type", ""):
            continue
        for form in post_forms(response.content.decode(), url):
            if form.action.startswith(SKIP_ACTIONS):
                continue
            # A field another role's copy of the form already had is not fuzzed again: the
            # same view and form handle it.
            fields = [
                field
                for field in sorted(set(form.kinds) - NOT_FUZZED)
                if (form.action, form.button, field) not in fuzzed
            ]
            fuzzed.update((form.action, form.button, field) for field in fields)
            if fields:
                failures += fuzz(form, fields, client, world, showing_pages(name, world, role))
    assert failures == [], f"{len(failures)} submissions answered 5xx"
