"""scim2-tester, the SCIM compliance checker, against the endpoint served by a live server."""

from __future__ import annotations

import datetime as dt

import httpx2
import pytest
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server, filling
from scim2_tester.checkers import patch_add, patch_replace

from governance.services import scim_token_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def dated_values(monkeypatch):
    """The checker fills an attribute it has no rule for with a random UUID, which a dateTime
    (the HR extension's leftOn) refuses before anything is sent: give those a date instead."""
    random_value = filling.generate_random_value

    def generate(context, path, *args, **kwargs):
        value = random_value(context, path, *args, **kwargs)
        binding = path.resolve()
        if isinstance(value, str) and binding is not None and binding.target_type is dt.datetime:
            return dt.datetime(2027, 3, 31, tzinfo=dt.UTC)
        return value

    for module in (filling, patch_add, patch_replace):
        monkeypatch.setattr(module, "generate_random_value", generate)


def test_scim2_tester_passes_against_the_live_endpoint(live_server, dated_values):
    _, secret = scim_token_create(name="compliance")
    http = httpx2.Client(
        base_url=f"{live_server.url}/scim/v2",
        headers={"Authorization": f"Bearer {secret}"},
        timeout=30,
    )
    client = SyncSCIMClient(http)
    results = check_server(client, raise_exceptions=False)

    failures = [
        f"{r.title}: {r.status.name} {r.reason}" for r in results if r.status != Status.SUCCESS
    ]
    assert results and not failures, "\n".join(failures)
    assert any(r.status == Status.SUCCESS and "crud:update" in r.tags for r in results)


def test_the_endpoint_refuses_a_missing_or_wrong_token(client):
    scim_token_create(name="real")
    assert client.get("/scim/v2/Users").status_code == 401
    response = client.get("/scim/v2/Users", HTTP_AUTHORIZATION="Bearer not-the-token")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/scim+json"
