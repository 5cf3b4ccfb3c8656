"""Every URL pattern against every role, with the status each must get.

A new URL pattern that is not listed here fails `test_every_url_pattern_is_in_the_matrix`,
so nobody can add a page without saying who may open it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

LOGIN = "login"  # a redirect to the sign-in page
ANON, USER, ADMIN = "anonymous", "user", "site_admin"
ROLES = (ANON, USER, ADMIN)


@dataclass(frozen=True)
class Case:
    expect: dict[str, int | str]
    kwargs: Callable[[dict], dict] = field(default=lambda world: {})


def signed_in(status: int, **overrides: int | str) -> dict[str, int | str]:
    return {ANON: LOGIN, USER: status, ADMIN: status} | overrides


def everyone(status: int, **overrides: int | str) -> dict[str, int | str]:
    return dict.fromkeys(ROLES, status) | overrides


def anonymous_only(status: int) -> dict[str, int | str]:
    """allauth's entrance pages send a signed-in person on to the dashboard."""
    return {ANON: status, USER: 302, ADMIN: 302}


MATRIX: dict[str, Case] = {
    "core:home": Case(everyone(302)),
    "core:dashboard": Case(signed_in(200)),
    "core:healthz": Case(everyone(200)),
    "account_login": Case(anonymous_only(200)),
    "account_signup": Case(anonymous_only(200)),
    "account_logout": Case(everyone(200, anonymous=302)),
    "account_inactive": Case(everyone(200)),
    "account_reauthenticate": Case(signed_in(200)),
    "account_email": Case(signed_in(200)),
    "account_email_verification_sent": Case(everyone(200)),
    "account_change_password": Case(signed_in(200)),
    "account_set_password": Case(signed_in(302)),
    "account_reset_password": Case(everyone(200)),
    "account_reset_password_done": Case(everyone(200)),
    "account_reset_password_from_key": Case(
        everyone(200), lambda world: {"uidb36": "0", "key": "not-a-key"}
    ),
    "account_reset_password_from_key_done": Case(everyone(200)),
    "account_confirm_email": Case(everyone(200), lambda world: {"key": "not-a-key"}),
    "account_request_login_code": Case(anonymous_only(200)),
    "account_confirm_login_code": Case(everyone(302)),
}


def all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                ns = f"{namespace}:{inner}" if namespace and inner else inner or namespace
                walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern):
                if namespace == "admin":
                    continue  # covered by test_django_admin_is_for_site_admins_only
                assert pattern.name, f"URL pattern {pattern.pattern} has no name"
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


@pytest.fixture
def world(db) -> dict:
    """Objects that URL kwargs point at; later features add theirs."""
    return {}


@pytest.fixture
def role_clients(plain_user, site_admin) -> dict[str, Client]:
    clients = {ANON: Client()}
    for role, user in ((USER, plain_user), (ADMIN, site_admin)):
        client = Client()
        client.force_login(user)
        clients[role] = client
    return clients


def assert_status(response, expected: int | str, label: str) -> None:
    if expected == LOGIN:
        assert response.status_code == 302, f"{label}: {response.status_code}, expected login"
        assert response["Location"].startswith(reverse("account_login")), label
    else:
        assert response.status_code == expected, f"{label}: got {response.status_code}"


def test_every_url_pattern_is_in_the_matrix():
    names = all_url_names()
    assert names - MATRIX.keys() == set(), "URL patterns missing from the permission matrix"
    assert MATRIX.keys() - names == set(), "matrix lists URL names that no longer exist"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_role_as_the_matrix_says(name, role_clients, world):
    case = MATRIX[name]
    assert set(case.expect) == set(ROLES), f"{name}: every role needs an expected status"
    url = reverse(name, kwargs=case.kwargs(world))
    for role, expected in case.expect.items():
        assert_status(role_clients[role].get(url), expected, f"{name} as {role}")


def admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
    return urls


def test_django_admin_is_for_site_admins_only(role_clients):
    for url in admin_urls():
        assert role_clients[ADMIN].get(url).status_code == 200, url
        for role in (ANON, USER):
            response = role_clients[role].get(url)
            assert response.status_code == 302, f"{url} as {role}"
            assert "/login/" in response["Location"], f"{url} as {role}"
