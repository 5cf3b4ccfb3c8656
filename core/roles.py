from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.http import HttpRequest


@dataclass(frozen=True)
class Roles:
    """What a signed-in person is, for navigation and dashboards (never for access checks:
    those are the scoping helpers' job)."""

    site_admin: bool = False
    coordinator: bool = False
    participant: bool = False
    hr_viewer: bool = False


def roles_for(request: HttpRequest) -> Roles:
    cached = getattr(request, "_roles", None)
    if cached is not None:
        return cached
    user = request.user
    if not user.is_authenticated:
        roles = Roles()
    else:
        roles = Roles(
            site_admin=user.is_staff,
            coordinator=_is_coordinator(user),
            participant=_is_participant(user),
            hr_viewer=user.is_hr_viewer,
        )
    request._roles = roles
    return roles


# Core is the bottom layer: it asks through the user's relations (programs' coordinators,
# the person's enrolments) and imports no domain app.


def _is_coordinator(user) -> bool:
    return user.has_perm("programs.create_program") or user.coordinated_programs.exists()


def _is_participant(user) -> bool:
    return get_user_model().objects.filter(pk=user.pk, person__enrolments__isnull=False).exists()
