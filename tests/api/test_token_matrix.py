"""The permission matrix again, every API route signed by a token instead of the session: the
same status for every role (a read-write token, so only the route's rules decide)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from api.services import api_token_create
from tests.api.permission_cases import CASES
from tests.permissions import ANON, ROLES

# The pages of the site (the tokens page, the documentation) are for the browser's session.
API_ROUTES = sorted(
    name for name in CASES if name not in ("api:tokens", "api:token_revoke", "api:docs")
)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", API_ROUTES)
def test_api_route_answers_a_token_as_the_matrix_says(name, role, world):
    case = CASES[name]
    client = APIClient()
    if role != ANON:
        secret = api_token_create(
            user=world["users"][role], name="Matrix", scope="write", expires_in_days=7
        ).secret
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = getattr(client, case.method)(reverse(name, kwargs=case.kwargs(world)))
    assert response.status_code == case.expect[role], f"{case.method} {name} as {role}"
