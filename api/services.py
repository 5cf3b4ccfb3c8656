"""Personal API tokens: created, shown once, hashed at rest, revoked."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from api.models import ApiToken

# Recognisable in logs and secret scanners; the random part carries 256 bits.
TOKEN_START = "mtk_"  # noqa: S105 (a marker, not a secret)
PREFIX_LENGTH = len(TOKEN_START) + 8
EXPIRY_DAYS = (7, 30, 90, 365)
# Writing the last use on every request would make each API call a write; once a minute is
# precise enough for "last used".
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the whole token: shown to its owner once, never stored


@transaction.atomic
def api_token_create(*, user, name: str, scope: str, expires_in_days: int) -> NewToken:
    if expires_in_days not in EXPIRY_DAYS:
        raise ValueError(f"A token expires after one of {EXPIRY_DAYS} days.")
    secret = TOKEN_START + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        scope=ApiToken.Scope(scope),
        prefix=secret[:PREFIX_LENGTH],
        digest=token_digest(secret),
        created_at=now,
        expires_at=now + dt.timedelta(days=expires_in_days),
    )
    return NewToken(token=token, secret=secret)


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    # Conditional, so revoking twice keeps the first moment.
    ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token


def api_token_find(secret: str) -> ApiToken | None:
    """The usable token with this secret (not revoked, not expired), or None; its last use
    is recorded."""
    if not secret.startswith(TOKEN_START):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(secret), revoked_at=None, expires_at__gt=timezone.now())
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
