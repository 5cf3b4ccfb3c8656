"""One-click unsubscribe links: a signed (user, category) pair, so a link switches off
exactly one category for exactly one person, and works without signing in."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from core.emails import absolute_url
from notifications.models import Category

SALT = "notifications.unsubscribe"


def unsubscribe_token(user_id: int, category: str) -> str:
    return signing.dumps([user_id, category], salt=SALT, compress=False)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        user_id, category = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or category not in Category.values:
        return None
    return user_id, category


def unsubscribe_url(user_id: int, category: str) -> str:
    return absolute_url(
        reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id, category)])
    )
