"""Exactly once across real processes: a Celery worker on a private Redis, the scan run the
way beat runs it (a separate process), PostgreSQL in between, and mail written by the file
transport into a folder this test counts.

Both tests queue 200 messages of every way mail goes out (100 reminders the scan plans, 60
program invitations a coordinator sends, and 40 match emails from publishing a run), break
something in the middle of the batch (SIGKILL the worker; kill and restart Redis, losing its
queue), and then check that exactly 200 messages exist: 0 lost, 0 duplicated."""

from __future__ import annotations

import email
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from matching.services import match_run_create, match_run_publish
from notifications import tasks
from notifications.models import Dispatch
from programs.services import enrolments_bulk_action
from scheduling.models import Meeting
from tests.factories import CohortFactory, ProgramFactory, enrol_person, person_from_email
from tests.support.broker import worker_env
from tests.support.workers import WorkerProcess, run_manage, start_private_worker

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

MESSAGES = 200
REMINDERS, INVITATIONS, MATCHES = 100, 60, 40
CLAIM_TIMEOUT = 3  # seconds: a lost task or a dead sender is taken over this fast here


@pytest.fixture
def process_env(redis_server, mail_dir, tmp_path) -> dict[str, str]:
    return worker_env(
        redis_url=redis_server.url,
        mail_dir=mail_dir,
        var_dir=tmp_path / "var",
        claim_timeout=CLAIM_TIMEOUT,
    )


def due_messages(make_pair) -> None:
    start = timezone.now() + timedelta(minutes=30)  # every 1-hour reminder is due
    for _ in range(REMINDERS // 2):
        pair = make_pair()
        Meeting.objects.create(mentorship=pair, scheduled_by=pair.mentor.user, start=start)

    # The services queue their mail when they commit; here the broker is down at that moment
    # (the test process has no worker of its own), so the rows wait for the scan.
    def broker_down(*args, **kwargs):
        raise ConnectionError("no broker")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tasks.send_dispatches, "delay", broker_down)
        program = ProgramFactory(slug="once")
        invited = CohortFactory(program=program, slug="once-invited")
        for n in range(INVITATIONS):
            enrol_person(
                invited, person_from_email(f"invitee{n}@example.org"), "mentee", status="invited"
            )
        enrolments_bulk_action(cohort=invited, action="invite")
        matched = CohortFactory(program=program, slug="once-matched", status="matching")
        for n in range(MATCHES // 2):
            enrol_person(matched, person_from_email(f"matchee{n}@example.org"), "mentee")
            enrol_person(
                matched, person_from_email(f"matcher{n}@example.org"), "mentor", capacity=1
            )
        match_run_publish(run=match_run_create(cohort=matched))
    counts = {
        kind: Dispatch.objects.filter(kind=kind).count()
        for kind in ("meeting_reminder", "program_invitation", "match_published")
    }
    assert counts == {
        "meeting_reminder": 0,  # planned by the first scan
        "program_invitation": INVITATIONS,
        "match_published": MATCHES,
    }
    # A row handed to the dead broker is handed out again once the claim timeout passed.
    time.sleep(CLAIM_TIMEOUT + 0.5)


def sent() -> int:
    return Dispatch.objects.filter(status=Dispatch.Status.SENT).count()


def wait_for(predicate, timeout: float, step: float = 0.01) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def finish(env: dict[str, str], worker: WorkerProcess, timeout: float = 180) -> None:
    """Keep beat's part going (a scan every couple of seconds) until everything is sent."""
    deadline = time.monotonic() + timeout
    while sent() < MESSAGES and time.monotonic() < deadline:
        run_manage(env, "notifications_scan")
        wait_for(lambda: sent() >= MESSAGES, CLAIM_TIMEOUT, step=0.2)
    assert sent() == MESSAGES, worker.output()[-3000:]


def assert_exactly_once(mail_dir: Path, logs: list[str]) -> None:
    files = sorted(mail_dir.glob("*.eml"))
    message_ids = []
    for path in files:
        message = email.message_from_bytes(path.read_bytes())
        message_ids.append(message["Message-ID"])
    expected = {
        f"<dispatch.{pk}.{kind}@127.0.0.1>"
        for pk, kind in Dispatch.objects.values_list("pk", "kind")
    }
    assert Dispatch.objects.count() == MESSAGES
    assert len(files) == MESSAGES, f"{len(files)} messages delivered"
    assert set(message_ids) == expected  # 0 lost, 0 duplicated, none foreign
    # A second hand-off can only come from the one send a crash interrupted.
    resent = sum(log.count("duplicate delivery of") for log in logs)
    assert resent <= 1, resent
    assert set(Dispatch.objects.values_list("status", flat=True)) == {"sent"}
    kinds = {
        kind: Dispatch.objects.filter(kind=kind).count()
        for kind in ("meeting_reminder", "program_invitation", "match_published")
    }
    assert kinds == {
        "meeting_reminder": REMINDERS,
        "program_invitation": INVITATIONS,
        "match_published": MATCHES,
    }


def test_a_worker_killed_mid_batch_loses_and_repeats_nothing(
    make_pair, process_env, mail_dir, tmp_path
):
    due_messages(make_pair)
    first = start_private_worker(process_env, tmp_path / "worker-1.log")
    try:
        assert "enqueued 200" in run_manage(process_env, "notifications_scan")
        assert wait_for(lambda: sent() >= 40, 120), first.output()[-3000:]
        # Aim for the worst moment: while a message is being sent (claimed, not yet recorded).
        wait_for(lambda: Dispatch.objects.filter(status="sending").exists(), 5, step=0)
        first.kill()  # SIGKILL, mid-batch
    finally:
        first.kill()
    at_kill = sent()
    assert 40 <= at_kill < MESSAGES, "the batch finished before the kill; nothing was tested"

    second = start_private_worker(process_env, tmp_path / "worker-2.log")
    try:
        finish(process_env, second)
    finally:
        second.stop()
    assert_exactly_once(mail_dir, [first.output(), second.output()])


def test_a_redis_restart_mid_batch_loses_and_repeats_nothing(
    make_pair, process_env, mail_dir, redis_server, tmp_path
):
    due_messages(make_pair)
    worker = start_private_worker(process_env, tmp_path / "worker.log")
    try:
        assert "enqueued 200" in run_manage(process_env, "notifications_scan")
        assert wait_for(lambda: sent() >= 40, 120), worker.output()[-3000:]
        redis_server.kill()  # the queued tasks are gone with it
        at_restart = sent()
        time.sleep(1)
        redis_server.start()
        assert at_restart < MESSAGES, "the batch finished before the restart; nothing was tested"
        finish(process_env, worker)
    finally:
        worker.stop()
    assert_exactly_once(mail_dir, [worker.output()])
