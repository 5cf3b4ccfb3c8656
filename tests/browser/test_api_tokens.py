"""A coordinator creates an API token, sees it once, reads the API documentation, and calls
the API over HTTP with the token."""

from __future__ import annotations

import json
import urllib.request
from urllib.error import HTTPError

import pytest
from playwright.sync_api import expect

from tests.factories import CohortFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def call(url: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.load(response)
    except HTTPError as error:
        return error.code, json.load(error)


def test_coordinator_creates_a_token_once_and_calls_the_api(page, live_server, make_user, sign_in):
    coordinator = make_user(email="coordinator@example.org", first_name="Cora")
    CohortFactory(program=ProgramFactory(slug="ours"), slug="ours-2027")
    coordinator.coordinated_programs.add(ProgramFactory(slug="ours"))
    sign_in(page, coordinator)

    page.get_by_role("button", name="Cora").click()
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", exact=True)).to_be_visible()
    page.get_by_label("Name").fill("HR sync")
    page.get_by_label("Read only").check()
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_label("Your new token").input_value()
    assert token.startswith("mtk_")

    page.reload()
    expect(page.get_by_role("cell", name="HR sync", exact=True)).to_have_count(1)
    assert token not in page.content()

    status, body = call(f"{live_server.url}/api/v1/cohorts/", token)
    assert status == 200 and [c["slug"] for c in body["results"]] == ["ours-2027"]
    status, body = call(f"{live_server.url}/api/v1/cohorts/theirs/", token)
    assert status == 404

    page.get_by_role("link", name="API documentation").click()
    expect(page.get_by_text("/api/v1/cohorts/{slug}/enrolments/").first).to_be_visible()

    page.goto("/me/api-tokens/")
    page.get_by_role("button", name="Revoke HR sync").click()
    expect(page.get_by_text("Token “HR sync” revoked.")).to_be_visible()
    assert call(f"{live_server.url}/api/v1/cohorts/", token)[0] == 401
