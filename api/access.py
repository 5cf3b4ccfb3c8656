"""Who may use the API, and loading a person's own tokens: 404 for anyone else's."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from api.models import ApiToken
from programs.access import programs_coordinated_by


def can_use_api(user) -> bool:
    """Coordinators, HR viewers and site admins: the people the API has anything for."""
    if not user.is_authenticated or not user.is_active:
        return False
    return (
        user.is_staff
        or user.is_hr_viewer
        or user.has_perm("programs.create_program")
        or programs_coordinated_by(user).exists()
    )


def tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def get_token_for_owner(user, pk: int) -> ApiToken:
    return get_object_or_404(tokens_of(user), pk=pk)
