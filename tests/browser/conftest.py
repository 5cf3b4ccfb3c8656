from __future__ import annotations

import functools
import os
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import CHROMIUM, PASSWORD

# Playwright's sync API runs an event loop in the test thread; the ORM calls that the
# tests make around it are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("no Chromium")  # the browser marker already failed under REQUIRE_SERVICES
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def console_errors(page) -> list[str]:
    """A CSP violation or script error shows up as a console error: the list to assert empty."""
    errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # The console says a resource failed but not which: name it.
    page.on(
        "response",
        lambda response: (
            response.status == 404
            and response.request.resource_type != "document"
            and errors.append(f"404 {response.url}")
        ),
    )
    return errors


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, timezone_id="UTC")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = console_errors(page)
    yield page
    context.close()
    assert errors == [], f"browser console errors: {errors}"


def open_as(browser, live_server, sign_in, user, width: int = 1280):
    """A browser of its own for `user`, signed in on their dashboard: (page, console errors)."""
    context = browser.new_context(
        base_url=live_server.url, timezone_id="UTC", viewport={"width": width, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = console_errors(page)
    sign_in(page, user)
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()
    return page, errors


def active_pair(cohort, make_user):
    """Mona (mentor) and Milo (mentee), approved in `cohort`, paired, agreement confirmed:
    (the mentorship, {"mentor": Mona, "mentee": Milo})."""
    from relationships.services import agreement_confirm, mentorship_create
    from tests.factories import EnrolmentFactory, PersonFactory

    people = {}
    for role, name in (("mentor", "Mona"), ("mentee", "Milo")):
        people[role] = PersonFactory(
            user=make_user(email=f"{role}@example.org", first_name=name, last_name=role.title())
        )
        EnrolmentFactory(cohort=cohort, person=people[role], role=role, status="approved")
    pair = mentorship_create(cohort=cohort, mentor=people["mentor"], mentees=[people["mentee"]])
    for person in people.values():
        agreement_confirm(mentorship=pair, person=person)
    return pair, people


def sign_in_with_password(page, user, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


@pytest.fixture
def sign_in(password):
    return functools.partial(sign_in_with_password, password=password)


def finish_job(page, start_button: str) -> None:
    """Start a job (a matching run, an import) and follow it to its result. Tasks run eagerly
    here, on commit, so the job page the button leads to shows the job finished."""
    page.get_by_role("button", name=start_button).click()
    expect(page.get_by_role("heading", name="Finished")).to_be_visible()
    page.get_by_role("link", name="See the result").click()
