"""One scan by hand (or from cron, without beat): plan due messages and hand them to workers."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from notifications.services import notifications_scan


class Command(BaseCommand):
    help = "Plan the messages that are due and enqueue them for the Celery workers."

    def handle(self, *args, **options) -> None:
        result = notifications_scan()
        self.stdout.write(
            f"planned {result.planned}, enqueued {result.enqueued}, gave up on {result.failed}"
        )
