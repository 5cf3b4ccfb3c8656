from __future__ import annotations

from django.urls import path, re_path

from governance import scim

app_name = "scim"

urlpatterns = [
    path("", scim.not_found, {"rest": ""}, name="root"),
    path("ServiceProviderConfig", scim.service_provider_config, name="service_provider_config"),
    path("ResourceTypes", scim.resource_types, name="resource_types"),
    path("ResourceTypes/<str:name>", scim.resource_types, name="resource_type"),
    path("Schemas", scim.schemas, name="schemas"),
    path("Schemas/<str:urn>", scim.schemas, name="schema"),
    path("Users", scim.users, name="users"),
    path(".search", scim.users_search, name="search"),
    path("Users/.search", scim.users_search, name="users_search"),
    path("Users/<str:pk>", scim.user, name="user"),
    re_path(r"^(?P<rest>.+)$", scim.not_found, name="not_found"),
]
