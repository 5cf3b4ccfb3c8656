"""Registers the periodic scans and the daily retention tasks with django-celery-beat; safe to
run on every start."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask

SCAN_TASK = "notifications.tasks.scan"
SCAN_NAME = "notifications: scan for due messages"
# Named, not imported: the jobs app sits above notifications.
JOBS_SCAN_TASK = "jobs.tasks.scan"
JOBS_SCAN_NAME = "jobs: hand out jobs whose worker died"
# Once a day, by name (the tasks live in higher apps): retention settings at work.
DAILY_TASKS = {
    "audit: prune entries past AUDIT_RETENTION_DAYS": "audit.tasks.prune",
    "governance: delete pair content past PAIR_CONTENT_RETENTION_MONTHS": (
        "governance.tasks.prune_pair_content"
    ),
}


class Command(BaseCommand):
    help = "Register (or update) the periodic notifications scan in the beat schedule."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--minutes", type=int, default=2, help="scan interval (default 2)")

    @transaction.atomic
    def handle(self, *args, minutes: int, **options) -> None:
        if not 1 <= minutes <= 60:
            self.stderr.write("--minutes must be between 1 and 60")
            raise SystemExit(2)
        every, _ = IntervalSchedule.objects.get_or_create(
            every=minutes, period=IntervalSchedule.MINUTES
        )
        for name, task in ((SCAN_NAME, SCAN_TASK), (JOBS_SCAN_NAME, JOBS_SCAN_TASK)):
            _, created = PeriodicTask.objects.update_or_create(
                name=name,
                defaults={
                    "task": task,
                    "interval": every,
                    "crontab": None,
                    "enabled": True,
                    # A scan still waiting when the next one is due is dropped, not piled up.
                    "expire_seconds": minutes * 60,
                },
            )
            verb = "Registered" if created else "Updated"
            self.stdout.write(f"{verb} “{name}” every {minutes} min.")
        daily, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.DAYS)
        for name, task in DAILY_TASKS.items():
            PeriodicTask.objects.update_or_create(
                name=name,
                defaults={"task": task, "interval": daily, "crontab": None, "enabled": True},
            )
            self.stdout.write(f"Registered “{name}” daily.")
