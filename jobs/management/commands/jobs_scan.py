"""One scan by hand (or from cron, without beat): hand out jobs nobody took or whose worker
died, and end those out of attempts."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from jobs.services import jobs_scan


class Command(BaseCommand):
    help = "Hand queued jobs and jobs whose worker died to the Celery workers."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"acted on {jobs_scan()} job(s)")
