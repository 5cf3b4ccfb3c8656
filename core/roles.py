from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest

from core.data_version import data_version, fragment_cache


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
        may_create, coordinates, enrolled = _cached_role_flags(request, user)
        roles = Roles(
            site_admin=user.is_staff,
            coordinator=user.is_superuser or may_create or coordinates,
            participant=enrolled,
            hr_viewer=user.is_hr_viewer,
        )
    request._roles = roles
    return roles


# Core is the bottom layer: it asks through the user's relations (programs' coordinators,
# the person's enrolments) and imports no domain app. Every page's navigation asks, so the
# three questions go to the database as one query.


def _cached_role_flags(request: HttpRequest, user) -> tuple[bool, bool, bool]:
    """The flags, kept under the data version (every page's navigation asks; the answer changes
    only with the data): an enrolment, a program's coordinators or a permission given."""
    version = data_version(request)
    if version is None:
        return _role_flags(user)
    key = f"roles:{version}:{user.pk}"
    flags = fragment_cache().get(key)
    if flags is None:
        flags = _role_flags(user)
        fragment_cache().set(key, flags)
    return flags


def _role_flags(user) -> tuple[bool, bool, bool]:
    """May create programs (the permission, given directly or through a group, as
    ModelBackend.has_perm reads it), coordinates a program, is enrolled in a cohort."""
    User = get_user_model()
    this_user = User.objects.filter(pk=OuterRef("pk"))
    may_create = Permission.objects.filter(
        Q(user=OuterRef("pk")) | Q(group__user=OuterRef("pk")),
        content_type__app_label="programs",
        codename="create_program",
    )
    return (
        User.objects.filter(pk=user.pk)
        .annotate(
            may_create=Exists(may_create),
            coordinates=Exists(this_user.filter(coordinated_programs__isnull=False)),
            enrolled=Exists(this_user.filter(person__enrolments__isnull=False)),
        )
        .values_list("may_create", "coordinates", "enrolled")
        .get()
    )
