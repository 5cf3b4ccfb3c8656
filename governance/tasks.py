from __future__ import annotations

from celery import shared_task

from governance import privacy


@shared_task(acks_late=True, ignore_result=True)
def prune_pair_content() -> int:
    """Run daily by beat (manage.py setup_schedules registers it)."""
    return privacy.pair_content_prune()
