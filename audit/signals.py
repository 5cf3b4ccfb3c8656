"""Entries recorded from Django's and allauth's signals: sign-ins, two-factor, roles and
permissions, and changes made in the admin (where site settings live). Recording only: no
other logic hangs off these."""

from __future__ import annotations

from allauth.mfa import signals as mfa_signals
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import m2m_changed, post_init, post_save
from django.dispatch import receiver

from audit.models import AuditEvent
from audit.services import record

Action = AuditEvent.Action
User = get_user_model()
ROLE_FIELDS = ("is_staff", "is_superuser", "is_hr_viewer", "is_active")


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs) -> None:
    record(Action.SIGN_IN, actor=user, request=request, obj=user)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    email = str(credentials.get("email") or credentials.get("username") or "")[:200]
    user = User.objects.filter(email__iexact=email).first() if email else None
    record(
        Action.SIGN_IN_FAILED,
        request=request,
        actor=None,
        object_type="users.user",
        object_id=user.pk if user else "",
        object_label=email,
    )


@receiver(mfa_signals.authenticator_added)
def _mfa_added(sender, request, user, authenticator, **kwargs) -> None:
    record(Action.MFA_ADDED, request=request, obj=user, detail={"type": authenticator.type})


@receiver(mfa_signals.authenticator_removed)
def _mfa_removed(sender, request, user, authenticator, **kwargs) -> None:
    record(Action.MFA_REMOVED, request=request, obj=user, detail={"type": authenticator.type})


@receiver(mfa_signals.authenticator_reset)
def _mfa_reset(sender, request, user, authenticator, **kwargs) -> None:
    record(
        Action.MFA_RECOVERY_CODES, request=request, obj=user, detail={"type": authenticator.type}
    )


def _roles(instance) -> dict:
    # Deferred fields are not in __dict__: they were not loaded, so they cannot have changed.
    return {f: instance.__dict__[f] for f in ROLE_FIELDS if f in instance.__dict__}


@receiver(post_init, sender=User)
def _remember_roles(sender, instance, **kwargs) -> None:
    # A snapshot as loaded (no query): post_save compares against it.
    instance._audit_roles = _roles(instance)


@receiver(post_save, sender=User)
def _roles_changed(sender, instance, created, raw=False, **kwargs) -> None:
    before = {} if created else getattr(instance, "_audit_roles", {})
    now = _roles(instance)
    instance._audit_roles = now
    if raw:
        return
    if created:
        changed = {f: v for f, v in now.items() if f != "is_active" and v}
    else:
        changed = {f: v for f, v in now.items() if f in before and before[f] != v}
    if changed:
        record(Action.ROLE_CHANGED, obj=instance, detail=changed)


@receiver(m2m_changed, sender="programs.Program_coordinators")
def _coordinators(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    kind = Action.COORDINATOR_ADDED if action == "post_add" else Action.COORDINATOR_REMOVED
    if reverse:  # user.coordinated_programs.add(program)
        for pk in pk_set:
            record(kind, obj=instance, detail={"program": pk})
    else:
        for user in User.objects.filter(pk__in=pk_set):
            record(kind, obj=user, detail={"program": instance.pk})


@receiver(m2m_changed, sender=User.groups.through)
@receiver(m2m_changed, sender=User.user_permissions.through)
def _permissions(sender, instance, action, reverse, pk_set, model, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear") or reverse:
        return
    if action != "post_clear" and not pk_set:
        return  # adding what was already there changes nothing
    what = "groups" if model._meta.model_name == "group" else "user_permissions"
    record(Action.ROLE_CHANGED, obj=instance, detail={what: action.removeprefix("post_")})


@receiver(post_save, sender=LogEntry)
def _admin_change(sender, instance, created, raw=False, **kwargs) -> None:
    if raw or not created or instance.content_type is None:
        return
    record(
        Action.SETTINGS_CHANGED,
        actor=instance.user,
        object_type=f"{instance.content_type.app_label}.{instance.content_type.model}",
        object_id=instance.object_id or "",
        object_label=instance.object_repr,
        detail={"change": instance.get_action_flag_display()},
    )
