from __future__ import annotations

import smtplib
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.db import connection

from notifications import services
from notifications.models import Dispatch
from notifications.services import MAX_ATTEMPTS, dispatch_claim, dispatch_send, notifications_scan
from scheduling.models import Meeting

NOW = datetime(2027, 5, 3, 12, 0, tzinfo=UTC)


def due_meetings(make_pair, count: int) -> list[Meeting]:
    """Meetings 30 minutes away: each has its 1-hour reminder due, to both people."""
    meetings = []
    for _ in range(count):
        pair = make_pair()
        meetings.append(
            Meeting.objects.create(
                mentorship=pair, scheduled_by=pair.mentor.user, start=NOW + timedelta(minutes=30)
            )
        )
    return meetings


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_scanning_again_and_again_sends_each_due_message_once(make_pair, scan):
    due_meetings(make_pair, 3)
    for _ in range(5):
        scan()
    assert len(mail.outbox) == 6
    assert Dispatch.objects.filter(status="sent").count() == 6
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 6


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_send_task_that_runs_twice_sends_once(make_pair):
    due_meetings(make_pair, 1)
    notifications_scan()
    dispatch = Dispatch.objects.first()
    assert dispatch_send(dispatch_id=dispatch.pk) == "sent"
    assert dispatch_send(dispatch_id=dispatch.pk) == "not claimed"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_only_one_claim_wins_and_a_stale_claim_is_taken_over_after_the_timeout(make_pair, settings):
    due_meetings(make_pair, 1)
    notifications_scan()
    dispatch = Dispatch.objects.first()
    assert dispatch_claim(dispatch_id=dispatch.pk, now=NOW)
    assert not dispatch_claim(dispatch_id=dispatch.pk, now=NOW)
    timeout = timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT)
    assert not dispatch_claim(dispatch_id=dispatch.pk, now=NOW + timeout)
    assert dispatch_claim(dispatch_id=dispatch.pk, now=NOW + timeout + timedelta(seconds=1))
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.attempts) == ("sending", 2)


@pytest.mark.django_db
def test_a_worker_that_dies_after_the_hand_off_does_not_duplicate_the_file(
    make_pair, scan, settings, tmp_path, monkeypatch
):
    """The window between "the transport has it" and "the row says sent": the next claim
    sends the same Message-ID again, and the file transport keeps one copy."""
    settings.EMAIL_BACKEND = "notifications.mail.FileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    with time_machine.travel(NOW, tick=False):
        due_meetings(make_pair, 1)
        notifications_scan()
        dispatch = Dispatch.objects.first()
        real_finish = services._finish

        def dies_before_recording(dispatch, claimed_at, **fields):
            if fields.get("status") == "sent":
                raise SystemExit("killed")  # what SIGKILL looks like from the database
            return real_finish(dispatch, claimed_at, **fields)

        monkeypatch.setattr(services, "_finish", dies_before_recording)
        with pytest.raises(SystemExit):
            dispatch_send(dispatch_id=dispatch.pk)
        monkeypatch.setattr(services, "_finish", real_finish)
    assert len(list(tmp_path.glob("*.eml"))) == 1
    dispatch.refresh_from_db()
    assert dispatch.status == "sending"

    later = NOW + timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT + 1)
    with time_machine.travel(later, tick=False):
        result = scan()
    assert result.enqueued == 2  # the stale row, and the other person's (never handed out)
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.attempts) == ("sent", 2)
    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 2  # one per recipient, the resent one not duplicated
    assert f"dispatch.{dispatch.pk}.meeting_reminder@" in "".join(f.name for f in files)


@pytest.mark.django_db
def test_smtp_trouble_is_retried_with_backoff_until_sent(make_pair, scan, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    real_send = EmailBackend.send_messages
    failures = iter([smtplib.SMTPServerDisconnected("gone"), OSError("refused")])

    def flaky_for_the_mentor(self, messages):
        if messages[0].to[0].startswith("mentor"):
            error = next(failures, None)
            if error is not None:
                raise error
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky_for_the_mentor)
    with time_machine.travel(NOW, tick=False):
        (meeting,) = due_meetings(make_pair, 1)
        scan()
    dispatch = Dispatch.objects.get(recipient=meeting.mentorship.mentor.user)
    assert (dispatch.status, dispatch.attempts) == ("pending", 1)
    assert dispatch.due_at == NOW + timedelta(minutes=1)
    assert "gone" in dispatch.last_error
    assert len(mail.outbox) == 1  # the mentee's went out

    with time_machine.travel(NOW + timedelta(seconds=59), tick=False):
        assert scan().enqueued == 0  # not yet: backing off
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        scan()
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.attempts) == ("pending", 2)
    assert dispatch.due_at == NOW + timedelta(minutes=1) + timedelta(minutes=2)
    with time_machine.travel(NOW + timedelta(minutes=3), tick=False):
        scan()
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.attempts) == ("sent", 3)
    assert len(mail.outbox) == 2


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_permanent_smtp_refusal_is_marked_failed_for_the_admin(
    make_pair, monkeypatch, client, site_admin
):
    from django.core.mail.backends.locmem import EmailBackend

    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"no such user")})

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    due_meetings(make_pair, 1)
    notifications_scan()
    dispatch = Dispatch.objects.first()
    assert dispatch_send(dispatch_id=dispatch.pk) == "failed"
    dispatch.refresh_from_db()
    assert dispatch.status == "failed"
    assert "550" in dispatch.last_error
    client.force_login(site_admin)
    page = client.get("/admin/notifications/dispatch/?status__exact=failed")
    assert page.status_code == 200
    assert b"no such user" in page.content


@pytest.mark.django_db
def test_a_broker_that_is_down_at_commit_delays_the_mail_to_the_next_scan_and_breaks_nothing(
    make_pair, scan, monkeypatch, settings
):
    from notifications import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("no broker")

    with time_machine.travel(NOW, tick=False):
        due_meetings(make_pair, 1)
        with monkeypatch.context() as patch:
            patch.setattr(tasks.send_dispatches, "delay", broker_down)
            assert scan().enqueued == 2  # the commit stands, and nothing raises
    assert mail.outbox == []
    assert set(Dispatch.objects.values_list("status", flat=True)) == {"pending"}
    # The next beat scan sends them: no waiting out the claim timeout for a broker outage.
    next_scan = NOW + timedelta(minutes=2)
    assert next_scan < NOW + timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT)
    with time_machine.travel(next_scan, tick=False):
        scan()
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_message_that_keeps_killing_its_worker_stops_after_max_attempts(make_pair, scan):
    with time_machine.travel(NOW, tick=False):
        due_meetings(make_pair, 1)
        notifications_scan()
    Dispatch.objects.update(status="sending", attempts=MAX_ATTEMPTS, claimed_at=NOW)
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        result = scan()
    assert result.failed == 2
    assert set(Dispatch.objects.values_list("status", flat=True)) == {"failed"}
    assert mail.outbox == []


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_category_mail_has_a_stable_message_id_and_one_click_unsubscribe_headers(
    make_pair, scan, settings
):
    due_meetings(make_pair, 1)
    scan()
    message = mail.outbox[0]
    dispatch = Dispatch.objects.get(recipient__email=message.to[0])
    assert message.extra_headers["Message-ID"] == (
        f"<dispatch.{dispatch.pk}.meeting_reminder@127.0.0.1>"
    )
    assert message.extra_headers["List-Unsubscribe"].startswith(
        f"<{settings.SITE_URL}/unsubscribe/"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe in message.body
    html, _ = message.alternatives[0]
    assert unsubscribe in html


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_scan_query_uses_the_partial_index(make_pair):
    due_meetings(make_pair, 1)
    query = services._due_rows(NOW).order_by("due_at").values_list("pk", flat=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A tiny table is cheaper to read whole; ask whether the index can serve the query.
            cursor.execute("SET LOCAL enable_seqscan = off")
    assert "dispatch_due" in query.explain()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_scans_send_each_due_message_once(make_pair, settings):
    """Real threads, each with its own PostgreSQL connection, all scanning at once."""
    with time_machine.travel(NOW, tick=False):
        due_meetings(make_pair, 20)
    barrier = threading.Barrier(10)
    errors: list[BaseException] = []

    def one_scan() -> None:
        try:
            with time_machine.travel(NOW, tick=False):
                barrier.wait()
                notifications_scan()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=one_scan) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert Dispatch.objects.count() == 40
    assert Dispatch.objects.filter(status="sent").count() == 40
    assert len(mail.outbox) == 40
    assert len({(m.to[0], m.extra_headers["Message-ID"]) for m in mail.outbox}) == 40


def test_the_file_backend_keeps_one_copy_per_message_id(tmp_path: Path):
    from django.core.mail import EmailMessage

    from notifications.mail import FileBackend

    backend = FileBackend(file_path=str(tmp_path))
    for _ in range(3):
        message = EmailMessage("Hi", "Body", to=["a@example.org"])
        message.extra_headers["Message-ID"] = "<dispatch.7.nudge@example.org>"
        backend.send_messages([message])
    other = EmailMessage("Hi", "Body", to=["a@example.org"])
    backend.send_messages([other])
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == 2
    assert "dispatch.7.nudge@example.org.eml" in files
