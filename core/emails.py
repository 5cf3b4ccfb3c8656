"""Links that leave the site (emails, calendar feeds) are absolute. Emails themselves are
rendered and sent by the notifications outbox (notifications.rendering, .services)."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"
