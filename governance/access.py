from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from profiles.models import Person


def get_person_to_erase(user, pk: int) -> Person:
    """Only a site admin (superuser) erases; everyone else finds nothing here."""
    if not (user.is_active and user.is_superuser):
        raise Http404
    return get_object_or_404(Person.objects.select_related("user"), pk=pk)
