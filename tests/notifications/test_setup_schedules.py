from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from notifications.models import Dispatch
from scheduling.models import Meeting

pytestmark = pytest.mark.django_db


def test_setup_schedules_registers_the_scan_once_however_often_it_runs():
    call_command("setup_schedules")
    call_command("setup_schedules")
    call_command("setup_schedules", "--minutes", "5")
    (task,) = PeriodicTask.objects.filter(task="notifications.tasks.scan")
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (5, "minutes")
    assert task.expire_seconds == 300
    (jobs,) = PeriodicTask.objects.filter(task="jobs.tasks.scan")
    assert jobs.enabled and jobs.interval == task.interval


def test_the_scan_task_sends_the_messages_that_are_due(pair, django_capture_on_commit_callbacks):
    from notifications.tasks import scan

    Meeting.objects.create(
        mentorship=pair, scheduled_by=pair.mentor.user, start=timezone.now() + timedelta(minutes=30)
    )
    with django_capture_on_commit_callbacks(execute=True):
        scan.delay()  # eager in tests; the sends it enqueues run on commit
    assert (
        list(Dispatch.objects.values_list("kind", "status")) == [("meeting_reminder", "sent")] * 2
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [pair.mentor.email, pair.mentees.get().email]
    )
