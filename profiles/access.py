"""Who may change what in the directory."""

from __future__ import annotations


def can_manage_directory(user) -> bool:
    """Anyone's directory record (name, department, manager, time zone, …) is changed only by
    site admins, people given the "manage directory" permission, and the HR import on the
    command line. A coordinator changes it only for people in their own programs alone."""
    return user.is_authenticated and (user.is_staff or user.has_perm("profiles.manage_directory"))
