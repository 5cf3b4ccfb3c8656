"""Entries recorded from Django's and allauth's signals: sign-ins, two-factor, roles and
permissions, and changes made in the admin (where site settings live). Recording only: no
other logic hangs off these."""

from __future__ import annotations

from allauth.mfa import signals as mfa_signals
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
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


@receiver(pre_save, sender=User)
def _remember_roles(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).values(*ROLE_FIELDS).first()
    instance._audit_roles_before = before


@receiver(post_save, sender=User)
def _roles_changed(sender, instance, created, raw=False, **kwargs) -> None:
    before = getattr(instance, "_audit_roles_before", None)
    instance._audit_roles_before = None
    if raw or before is None:
        return
    changed = {f: getattr(instance, f) for f in ROLE_FIELDS if before[f] != getattr(instance, f)}
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
