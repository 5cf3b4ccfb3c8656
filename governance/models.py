from __future__ import annotations

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ScimToken(models.Model):
    """A bearer token for the identity provider's SCIM client. Only its digest is kept: the
    token itself is shown once, when it is made."""

    name = models.CharField(max_length=100, help_text="Which client uses it, e.g. “Entra ID”.")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "SCIM token"

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def new_secret() -> str:
        return secrets.token_urlsafe(32)


class ScimIdentity(models.Model):
    """A user as the identity provider provisioned them. `resource` keeps the SCIM attributes
    the provider sent (never a password) so that what it reads back is what it wrote; the
    attributes the product uses (email, name, department, manager, active) are copied onto the
    user and their directory record."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scim_identity"
    )
    user_name = models.CharField(max_length=255, unique=True)
    external_id = models.CharField(max_length=255, blank=True, db_index=True)
    resource = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "SCIM identity"
        verbose_name_plural = "SCIM identities"

    def __str__(self) -> str:
        return self.user_name
