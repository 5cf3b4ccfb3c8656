"""The inbox in the app: every message the outbox sends also lands there (or only there, or
only by email, as the person chooses per category), with a bell that counts the unread."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Category, Dispatch, InboxItem
from notifications.services import (
    categories_out_of_app,
    categories_switched_off,
    preferences_set,
)
from scheduling.models import Meeting
from tests.notifications.pairs import outbox_to

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def inbox_pair(make_pair):
    return make_pair(started_at=NOW)


def remind(inbox_pair, scan):
    Meeting.objects.create(
        mentorship=inbox_pair,
        scheduled_by=inbox_pair.mentor.user,
        start=NOW + timedelta(minutes=30),
    )
    with time_machine.travel(NOW, tick=False):
        scan()


def test_a_sent_email_also_lands_in_the_inbox_with_a_link_to_its_page(inbox_pair, scan):
    mentee = inbox_pair.mentees.get()
    remind(inbox_pair, scan)
    (email,) = outbox_to(mentee.email)
    item = InboxItem.objects.get(user=mentee.user)
    assert item.subject == email.subject
    assert item.dispatch.kind == "meeting_reminder"
    assert item.url and "/unsubscribe/" not in item.url and item.url in email.body


def test_in_the_app_only_sends_no_email(inbox_pair, scan):
    mentee = inbox_pair.mentees.get()
    preferences_set(
        user=mentee.user, enabled={Category.REMINDERS: False}, in_app={Category.REMINDERS: True}
    )
    remind(inbox_pair, scan)
    assert outbox_to(mentee.email) == []
    assert InboxItem.objects.filter(user=mentee.user).count() == 1
    assert Dispatch.objects.get(recipient=mentee.user).status == Dispatch.Status.SKIPPED


def test_by_email_only_leaves_the_inbox_empty(inbox_pair, scan):
    mentee = inbox_pair.mentees.get()
    preferences_set(
        user=mentee.user, enabled={Category.REMINDERS: True}, in_app={Category.REMINDERS: False}
    )
    remind(inbox_pair, scan)
    assert len(outbox_to(mentee.email)) == 1
    assert not InboxItem.objects.filter(user=mentee.user).exists()


def test_the_preferences_page_sets_both_channels(client, inbox_pair):
    user = inbox_pair.mentor.user
    client.force_login(user)
    url = reverse("notifications:preferences")
    data = {c: "on" for c in Category.values if c not in ("digest", "reports")}
    data |= {"app_meetings": "on"}
    assert client.post(url, data).status_code == 302
    assert categories_switched_off(user) == set()
    assert categories_out_of_app(user) == {
        c for c in Category.values if c not in ("digest", "reports", "meetings")
    }


def test_the_bell_counts_unread_items_and_reading_clears_them(client, make_user):
    user = make_user(email="reader@example.org")
    items = [
        InboxItem.objects.create(user=user, subject=f"Note {i}", body=f"Body {i}") for i in range(3)
    ]
    client.force_login(user)
    bell = reverse("notifications:bell")
    assert 'data-inbox-unread="3"' in client.get(bell).content.decode()
    page = client.get(reverse("notifications:inbox_item", args=[items[0].pk])).content.decode()
    assert "Body 0" in page
    assert 'data-inbox-unread="2"' in client.get(bell).content.decode()
    client.post(reverse("notifications:inbox_mark_read"))
    assert "data-inbox-unread" not in client.get(bell).content.decode()


def test_nobody_opens_another_persons_item(client, make_user):
    owner, other = make_user(email="owner@example.org"), make_user(email="other@example.org")
    item = InboxItem.objects.create(user=owner, subject="Yours", body="sentinel-inbox-1f7e")
    client.force_login(other)
    assert client.get(reverse("notifications:inbox_item", args=[item.pk])).status_code == 404
    assert "sentinel-inbox-1f7e" not in client.get(reverse("notifications:inbox")).content.decode()
    client.post(reverse("notifications:inbox_mark_read"), {"item": item.pk})
    item.refresh_from_db()
    assert item.read_at is None


def test_the_inbox_costs_the_same_queries_however_many_items(client, make_user):
    user = make_user(email="busy@example.org")

    def add(count: int) -> None:
        InboxItem.objects.bulk_create(
            [InboxItem(user=user, subject=f"S{i}", body="b") for i in range(count)]
        )

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.force_login(user)
    urls = [reverse("notifications:inbox"), reverse("notifications:bell")]
    add(3)
    small = [queries(url) for url in urls]
    add(300)
    assert [queries(url) for url in urls] == small
