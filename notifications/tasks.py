from __future__ import annotations

from celery import shared_task

from notifications import services


@shared_task(acks_late=True, ignore_result=True)
def scan() -> None:
    """Run by beat every few minutes (manage.py setup_schedules registers it)."""
    services.notifications_scan()


@shared_task(acks_late=True, ignore_result=True)
def send_dispatches(dispatch_ids: list[int]) -> dict[str, int]:
    return services.dispatches_send(dispatch_ids=dispatch_ids)
