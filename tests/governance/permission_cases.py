"""SCIM answers only its bearer token: a signed-in session is not enough for anyone."""

from __future__ import annotations

from tests.permissions import ADMIN, MENTEE, Case, everyone, signed_in

SCIM_ONLY = everyone(401)

CASES: dict[str, Case] = {
    "scim:root": Case(SCIM_ONLY),
    "scim:service_provider_config": Case(SCIM_ONLY),
    "scim:resource_types": Case(SCIM_ONLY),
    "scim:resource_type": Case(SCIM_ONLY, lambda world: {"name": "User"}),
    "scim:schemas": Case(SCIM_ONLY),
    "scim:schema": Case(
        SCIM_ONLY, lambda world: {"urn": "urn:ietf:params:scim:schemas:core:2.0:User"}
    ),
    "scim:search": Case(SCIM_ONLY, method="post"),
    "scim:users": Case(SCIM_ONLY),
    "scim:users_search": Case(SCIM_ONLY, method="post"),
    "scim:user": Case(SCIM_ONLY, lambda world: {"pk": "00000000-0000-0000-0000-000000000000"}),
    "scim:not_found": Case(SCIM_ONLY, lambda world: {"rest": "Groups"}),
}


def _mentee_person(world: dict) -> dict:
    return {"pk": world["users"][MENTEE].person.pk}


CASES |= {
    "privacy:my_data": Case(signed_in(200)),
    "privacy:my_data_download": Case(signed_in(200), method="post"),
    "privacy:person_erase": Case(signed_in(404, **{ADMIN: 200}), _mentee_person),
}
