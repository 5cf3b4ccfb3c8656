"""Email about new pair messages: batched to one per quarter hour, none once read on the
site, none in the recipient's quiet hours (sent when they end)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine

from conversations.services import batch_due, message_send, thread_mark_read
from notifications.models import Category, Dispatch, InboxItem
from notifications.services import preferences_set, quiet_hours_set
from tests.notifications import pairs

pytestmark = pytest.mark.django_db

START = datetime(2027, 1, 4, 9, 2, tzinfo=UTC)  # a Monday; New York is UTC-5 in January
MINUTE = timedelta(minutes=1)


@pytest.fixture
def pair(make_pair):
    return make_pair(started_at=START)


def outbox_to(email: str) -> list:
    """The emails about messages (a pair this quiet also gets nudged)."""
    return [m for m in pairs.outbox_to(email) if "message" in m.subject]


def at(func, moment, **kwargs):
    with time_machine.travel(moment, tick=False):
        return func(**kwargs)


def write(pair, moment, body="secret-plans-4c1e"):
    return at(message_send, moment, mentorship=pair, author=pair.mentor, body=body)


def test_batches_fall_on_quarter_hours():
    assert batch_due(datetime(2027, 1, 4, 9, 2, tzinfo=UTC)) == datetime(
        2027, 1, 4, 9, 15, tzinfo=UTC
    )
    assert batch_due(datetime(2027, 1, 4, 9, 15, tzinfo=UTC)) == datetime(
        2027, 1, 4, 9, 15, tzinfo=UTC
    )
    assert batch_due(datetime(2027, 1, 4, 23, 59, 1, tzinfo=UTC)) == datetime(
        2027, 1, 5, tzinfo=UTC
    )


def test_a_busy_thread_sends_one_email_a_quarter_hour(pair, scan):
    mentee = pair.mentees.get()
    for minute in (0, 3, 12):
        write(pair, START + minute * MINUTE)
    assert Dispatch.objects.filter(recipient=mentee.user).count() == 1
    at(scan, START + 12 * MINUTE)
    assert outbox_to(mentee.email) == []  # not before the quarter hour is over

    at(scan, datetime(2027, 1, 4, 9, 15, tzinfo=UTC))
    [first] = outbox_to(mentee.email)
    assert "3 new messages from" in first.subject
    assert "secret-plans-4c1e" not in first.body + str(first.alternatives)  # text stays on site
    assert f"/mentorships/{pair.pk}/messages/" in first.body

    write(pair, datetime(2027, 1, 4, 9, 16, tzinfo=UTC))
    write(pair, datetime(2027, 1, 4, 9, 29, tzinfo=UTC))
    at(scan, datetime(2027, 1, 4, 9, 29, tzinfo=UTC))
    assert len(outbox_to(mentee.email)) == 1
    at(scan, datetime(2027, 1, 4, 9, 30, tzinfo=UTC))
    assert len(outbox_to(mentee.email)) == 2
    # The author is never told about their own messages.
    assert outbox_to(pair.mentor.email) == []


def test_no_email_about_messages_already_read_on_the_site(pair, scan):
    mentee = pair.mentees.get()
    message = write(pair, START)
    thread_mark_read(mentorship=pair, person=mentee, up_to=message.pk)
    at(scan, datetime(2027, 1, 4, 9, 15, tzinfo=UTC))
    assert outbox_to(mentee.email) == []
    assert Dispatch.objects.get(recipient=mentee.user).status == Dispatch.Status.SKIPPED


def test_a_nights_messages_wait_for_the_end_of_quiet_hours_in_one_email(pair, scan):
    mentee = pair.mentees.get()  # in New York
    quiet_hours_set(user=mentee.user, starts=time(22, 0), ends=time(7, 0))
    write(pair, datetime(2027, 1, 5, 4, 0, tzinfo=UTC), "late")  # 23:00 in New York
    write(pair, datetime(2027, 1, 5, 9, 40, tzinfo=UTC), "early")  # 04:40
    [row] = Dispatch.objects.filter(recipient=mentee.user)
    assert row.due_at == datetime(2027, 1, 5, 12, 0, tzinfo=UTC)  # 07:00 in New York
    at(scan, datetime(2027, 1, 5, 11, 59, tzinfo=UTC))
    assert outbox_to(mentee.email) == []
    at(scan, datetime(2027, 1, 5, 12, 0, tzinfo=UTC))
    [email] = outbox_to(mentee.email)
    assert "2 new messages" in email.subject


def test_quiet_hours_set_after_planning_still_hold_the_email_back(pair, scan):
    mentee = pair.mentees.get()
    write(pair, START)  # due 09:15 UTC, 04:15 in New York
    quiet_hours_set(user=mentee.user, starts=time(0, 0), ends=time(6, 0))
    at(scan, datetime(2027, 1, 4, 9, 15, tzinfo=UTC))
    assert outbox_to(mentee.email) == []
    row = Dispatch.objects.get(recipient=mentee.user)
    assert (row.status, row.due_at, row.attempts) == (
        Dispatch.Status.PENDING,
        datetime(2027, 1, 4, 11, 0, tzinfo=UTC),
        0,
    )
    at(scan, datetime(2027, 1, 4, 11, 0, tzinfo=UTC))
    assert len(outbox_to(mentee.email)) == 1


def test_quiet_hours_hold_the_email_not_the_inbox(pair, scan):
    """A row that falls due in quiet hours: its inbox item now, its email when they end. (The
    messages of a whole night are planned for its end, to make one email; they reach the inbox
    then too. The unread count in the navigation shows them at once.)"""
    mentee = pair.mentees.get()
    write(pair, START)
    quiet_hours_set(user=mentee.user, starts=time(0, 0), ends=time(6, 0))
    at(scan, datetime(2027, 1, 4, 9, 15, tzinfo=UTC))  # 04:15 in New York
    assert outbox_to(mentee.email) == []
    [item] = InboxItem.objects.filter(user=mentee.user)
    assert "new message" in item.subject
    at(scan, datetime(2027, 1, 4, 11, 0, tzinfo=UTC))
    assert len(outbox_to(mentee.email)) == 1
    assert InboxItem.objects.filter(user=mentee.user).count() == 1


def test_quiet_hours_do_not_hold_back_other_mail(pair, committed):
    """Only kinds registered as able to wait are held; a meeting invitation is not one."""
    from notifications.registry import KINDS

    assert KINDS["pair_messages"].quiet
    assert not any(k.quiet for name, k in KINDS.items() if name != "pair_messages")


def test_switching_messages_off_stops_the_email(pair, scan):
    mentee = pair.mentees.get()
    preferences_set(user=mentee.user, enabled={Category.MESSAGES: False})
    write(pair, START)
    at(scan, datetime(2027, 1, 4, 9, 15, tzinfo=UTC))
    assert outbox_to(mentee.email) == []
