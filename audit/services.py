from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from audit.context import current_request
from audit.models import AuditEvent

Action = AuditEvent.Action


def client_ip(request: HttpRequest | None) -> str | None:
    """The address as the sign-in rate limits see it (TRUSTED_PROXY_COUNT and friends)."""
    if request is None:
        return None
    try:
        return get_adapter(request).get_client_ip(request)
    except Exception:
        return request.META.get("REMOTE_ADDR")


def record(
    action: str,
    *,
    actor=None,
    request: HttpRequest | None = None,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_label: str = "",
    detail: Mapping[str, object] | None = None,
) -> AuditEvent:
    """Append one entry. `obj` fills the type, id and label; the label is the object's name
    (never its text), cut to 200 characters. `detail` is for field names and flags only."""
    request = request or current_request()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_label = object_label or str(obj)
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_label=getattr(actor, "email", "") or "",
        object_type=object_type,
        object_id=str(object_id or ""),
        object_label=object_label[:200],
        ip_address=client_ip(request),
        detail=dict(detail or {}),
    )


def audit_prune(*, now: datetime | None = None) -> int:
    """Delete entries older than AUDIT_RETENTION_DAYS (0 keeps everything); returns how many."""
    days = settings.AUDIT_RETENTION_DAYS
    if not days:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    # A queryset delete: the model's own delete() refuses single deletions on purpose.
    deleted, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


def forget(*, user, labels: list[str], replacement: str) -> int:
    """Erasure (a data-subject request): the person's entries stay, but their name and email
    in the labels are replaced. The one change the append-only log allows, so it goes around
    the queryset's refusal on purpose."""
    rows = 0
    for label in {label for label in labels if label}:
        for field in ("actor_label", "object_label"):
            matching = AuditEvent.objects.filter(**{f"{field}__iexact": label})
            rows += QuerySet.update(matching, **{field: replacement})
    return rows


def record_settings_change(
    *, request: HttpRequest, obj: Model, settings_name: str, fields: list[str]
) -> AuditEvent | None:
    """A saved settings form: which fields changed, never their values. A form saved
    unchanged records nothing."""
    if not fields:
        return None
    return record(
        Action.SETTINGS_CHANGED,
        request=request,
        obj=obj,
        detail={"settings": settings_name, "fields": sorted(fields)},
    )
