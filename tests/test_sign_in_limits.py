"""allauth's sign-in rate limits as configured in settings: who shares a limit with whom."""

from __future__ import annotations

import pytest
from django.core.cache import cache

PROXY = "10.0.0.2"  # the TLS proxy every request comes through
CLIENT_A = "203.0.113.7"
CLIENT_B = "198.51.100.9"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def sign_in(client, email: str, password: str, *, remote: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/accounts/login/", {"login": email, "password": password}, **headers)


def signed_in(response) -> bool:
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


def spray(client, *, count: int, remote: str, forwarded=lambda attempt: None) -> None:
    """Failed sign-ins, each for a different unknown address, like a password spray."""
    for attempt in range(count):
        response = sign_in(
            client, f"nobody{attempt}@example.org", "wrong",
            remote=remote, forwarded=forwarded(attempt),
        )  # fmt: skip
        assert not signed_in(response)


@pytest.mark.django_db
def test_behind_the_proxy_one_clients_failed_sign_ins_do_not_lock_out_another(
    client, make_user, password, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # TRUSTED_PROXY_COUNT=1 (tests/test_settings.py)
    user = make_user(email="ana@example.org")
    spray(client, count=25, remote=PROXY, forwarded=lambda attempt: CLIENT_A)

    assert not signed_in(sign_in(client, user.email, password, remote=PROXY, forwarded=CLIENT_A))
    assert signed_in(sign_in(client, user.email, password, remote=PROXY, forwarded=CLIENT_B))


@pytest.mark.django_db
def test_direct_the_connecting_address_counts_and_x_forwarded_for_is_ignored(
    client, make_user, password
):
    user = make_user(email="ana@example.org")
    # A client that makes up a new X-Forwarded-For for each try still counts as itself.
    spray(client, count=25, remote=CLIENT_A, forwarded=lambda attempt: f"192.0.2.{attempt}")

    assert not signed_in(sign_in(client, user.email, password, remote=CLIENT_A, forwarded=CLIENT_B))
    assert signed_in(sign_in(client, user.email, password, remote=CLIENT_B))


@pytest.mark.django_db
def test_failed_sign_ins_for_one_account_do_not_lock_out_another_at_the_same_address(
    client, make_user, password
):
    ana = make_user(email="ana@example.org")
    bo = make_user(email="bo@example.org")
    for _attempt in range(15):  # someone (or a script) keeps trying a forgotten password
        assert not signed_in(sign_in(client, ana.email, "forgotten", remote=CLIENT_A))

    # Ana's account is locked for now, even with the right password...
    assert not signed_in(sign_in(client, ana.email, password, remote=CLIENT_A))
    # ...but a colleague at the same office address signs in.
    assert signed_in(sign_in(client, bo.email, password, remote=CLIENT_A))
