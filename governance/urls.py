from __future__ import annotations

from importlib import import_module

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

app_name = "scim"


def _scim(name: str):
    """A SCIM view, its module imported on the first SCIM request: scim2-models builds its
    pydantic models at import (over a second), which would otherwise land on the first request
    to any page of a fresh process, since resolving a URL imports the whole URLconf. The
    wrapper carries what the middleware reads before the view runs (no CSRF, no sign-in)."""

    @csrf_exempt
    @login_not_required
    def view(request, *args, **kwargs):
        return getattr(import_module("governance.scim"), name)(request, *args, **kwargs)

    return view


urlpatterns = [
    path("", _scim("not_found"), {"rest": ""}, name="root"),
    path("ServiceProviderConfig", _scim("service_provider_config"), name="service_provider_config"),
    path("ResourceTypes", _scim("resource_types"), name="resource_types"),
    path("ResourceTypes/<str:name>", _scim("resource_types"), name="resource_type"),
    path("Schemas", _scim("schemas"), name="schemas"),
    path("Schemas/<str:urn>", _scim("schemas"), name="schema"),
    path("Users", _scim("users"), name="users"),
    path(".search", _scim("users_search"), name="search"),
    path("Users/.search", _scim("users_search"), name="users_search"),
    path("Users/<str:pk>", _scim("user"), name="user"),
    re_path(r"^(?P<rest>.+)$", _scim("not_found"), name="not_found"),
]
