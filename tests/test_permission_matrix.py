"""Every URL pattern against every role, with the status each must get.

A new URL pattern that is not listed fails `test_every_url_pattern_is_in_the_matrix`, so nobody
can add a page without saying who may open it. Cases live per app (see tests/permissions.py).
The world is built once for the module; each case runs in a savepoint rolled back after it.
"""

from __future__ import annotations

from importlib import import_module

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.permissions import (
    ADMIN,
    ANON,
    CASE_MODULES,
    COORD,
    LOGIN,
    MENTOR,
    ROLES,
    USER,
    Case,
)

MATRIX: dict[str, Case] = {}
for _module in CASE_MODULES:
    MATRIX |= import_module(_module).CASES


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


def client_for(role: str, world: dict) -> Client:
    client = Client()
    if role != ANON:
        client.force_login(world["users"][role])
    return client


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


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_role_as_the_matrix_says(name, role, shared_world):
    world = shared_world
    case = MATRIX[name]
    assert set(case.expect) == set(ROLES), f"{name}: every role needs an expected status"
    url = reverse(name, kwargs=case.kwargs(world))
    response = getattr(client_for(role, world), case.method)(url)
    assert_status(response, case.expect[role], f"{case.method.upper()} {name} as {role}")


def admin_urls(superuser) -> list[str]:
    """Every admin list, and every add form the admin offers (some models are added only
    through the app, where their rules are checked)."""
    request = RequestFactory().get("/")
    request.user = superuser
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"{prefix}_add"))
    return urls


def test_django_admin_is_for_site_admins_only(shared_world):
    world = shared_world
    clients = {role: client_for(role, world) for role in ROLES}
    for url in admin_urls(world["users"][ADMIN]):
        assert clients[ADMIN].get(url).status_code == 200, url
        for role in (ANON, USER, COORD, MENTOR):
            response = clients[role].get(url)
            assert response.status_code == 302, f"{url} as {role}"
            assert "/login/" in response["Location"], f"{url} as {role}"
