from __future__ import annotations

from celery import shared_task

from audit import services


@shared_task(acks_late=True, ignore_result=True)
def prune() -> int:
    """Run daily by beat (manage.py setup_schedules registers it)."""
    return services.audit_prune()
