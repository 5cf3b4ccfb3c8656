"""Clients for the API, signed by a personal token, and the report's small organisation
(tests/reports/conftest.py) as a world with pairs, sessions and sentinel text."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from api.services import api_token_create
from tests.reports.conftest import SENTINEL, frozen, org, other_coordinator  # noqa: F401


@pytest.fixture
def token_for(db):
    def make(user, scope: str = "write", days: int = 30) -> str:
        return api_token_create(user=user, name="Test", scope=scope, expires_in_days=days).secret

    return make


@pytest.fixture
def client_with(token_for):
    """An API client that sends `user`'s new token (or the given secret)."""

    def make(user=None, *, scope: str = "write", secret: str | None = None) -> APIClient:
        client = APIClient()
        secret = secret or token_for(user, scope)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return client

    return make
