from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from core.roles import roles_for


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "SITE_NAME": settings.SITE_NAME,
        # Lazy: pages that never show the navigation never pay for its queries.
        "roles": SimpleLazyObject(lambda: roles_for(request)),
    }
