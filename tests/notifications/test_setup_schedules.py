from __future__ import annotations

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

pytestmark = pytest.mark.django_db


def test_setup_schedules_registers_the_scan_once_however_often_it_runs():
    call_command("setup_schedules")
    call_command("setup_schedules")
    call_command("setup_schedules", "--minutes", "5")
    (task,) = PeriodicTask.objects.filter(task="notifications.tasks.scan")
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (5, "minutes")
    assert task.expire_seconds == 300


def test_the_scan_task_runs(pair):
    from notifications.tasks import scan

    scan.delay()  # eager in tests: plans nothing due for a fresh pair, and does not fail
