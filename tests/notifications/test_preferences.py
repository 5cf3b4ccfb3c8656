from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from notifications.models import Category, Dispatch, Preference, QuietHours
from notifications.services import categories_switched_off
from notifications.tokens import unsubscribe_token
from scheduling.models import Meeting
from scheduling.services import meeting_schedule
from tests.notifications.pairs import outbox_to

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def recent_pair(make_pair):
    return make_pair(started_at=NOW)  # met recently: no nudges in the way


def unsubscribe_path(message) -> str:
    return urlsplit(message.extra_headers["List-Unsubscribe"].strip("<>")).path


@time_machine.travel(NOW, tick=False)
def test_a_switched_off_category_is_skipped_and_the_others_still_arrive(
    recent_pair, scan, committed
):
    mentee = recent_pair.mentees.get()
    Preference.objects.create(user=mentee.user, category=Category.REMINDERS, enabled=False)
    committed(
        meeting_schedule, mentorship=recent_pair, scheduled_by=recent_pair.mentor.user,
        start=NOW + timedelta(minutes=30),
    )  # fmt: skip
    scan()
    to_mentee = outbox_to(mentee.email)
    assert [m.subject.split(":")[0] for m in to_mentee] == ["Meeting"]  # the invitation only
    assert (
        len([m for m in outbox_to(recent_pair.mentor.email) if m.subject.startswith("Reminder")])
        == 1
    )
    skipped = Dispatch.objects.get(recipient=mentee.user, kind="meeting_reminder")
    assert skipped.status == "skipped"
    assert "reminders" in skipped.last_error


@time_machine.travel(NOW, tick=False)
def test_the_unsubscribe_link_works_without_signing_in_and_only_for_its_category(recent_pair, scan):
    mentee = recent_pair.mentees.get()
    Meeting.objects.create(
        mentorship=recent_pair,
        scheduled_by=recent_pair.mentor.user,
        start=NOW + timedelta(minutes=30),
    )
    scan()
    (reminder,) = outbox_to(mentee.email)
    path = unsubscribe_path(reminder)
    anonymous = Client()

    page = anonymous.get(path)  # a GET only asks: mail scanners open links
    assert page.status_code == 200
    assert b"Reminders before a meeting" in page.content
    assert categories_switched_off(mentee.user) == set()

    done = anonymous.post(path)
    assert done.status_code == 200
    assert categories_switched_off(mentee.user) == {"reminders"}
    assert categories_switched_off(recent_pair.mentor.user) == set()


def test_mail_clients_one_click_post_needs_no_session_or_csrf_token(recent_pair):
    mentee = recent_pair.mentees.get()
    path = reverse("notifications:unsubscribe", args=[unsubscribe_token(mentee.user.pk, "nudges")])
    client = Client(enforce_csrf_checks=True)
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert categories_switched_off(mentee.user) == {"nudges"}


def test_a_tampered_link_changes_nothing(recent_pair):
    mentee = recent_pair.mentees.get()
    token = unsubscribe_token(mentee.user.pk, "nudges")
    payload, _, signature = token.partition(":")
    other_category = signing.b64_encode(json.dumps([mentee.user.pk, "digest"]).encode()).decode()
    forged = f"{other_category}:{signature}"
    assert payload != other_category
    other_person = unsubscribe_token(recent_pair.mentor.user.pk, "nudges")[:-2] + "xx"
    for bad in (forged, other_person, "not-a-token"):
        response = Client().post(reverse("notifications:unsubscribe", args=[bad]))
        assert response.status_code == 404
    assert not Preference.objects.exists()


def test_preferences_page_switches_categories_on_and_off(recent_pair):
    user = recent_pair.mentor.user
    client = Client()
    client.force_login(user)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    assert "digest" not in page.context["form"].fields  # only coordinators get one
    assert "reports" not in page.context["form"].fields  # only HR viewers get one
    on = [c for c in Category.values if c not in ("digest", "nudges")]
    response = client.post(reverse("notifications:preferences"), dict.fromkeys(on, "on"))
    assert response.status_code == 302
    assert categories_switched_off(user) == {"nudges"}
    client.post(reverse("notifications:preferences"), dict.fromkeys([*on, "nudges"], "on"))
    assert categories_switched_off(user) == set()


@time_machine.travel(NOW, tick=False)
def test_an_inactive_account_gets_nothing(recent_pair, scan):
    mentee = recent_pair.mentees.get()
    mentee.user.is_active = False
    mentee.user.save()
    Meeting.objects.create(
        mentorship=recent_pair,
        scheduled_by=recent_pair.mentor.user,
        start=NOW + timedelta(minutes=30),
    )
    scan()
    assert outbox_to(mentee.email) == []
    assert len(mail.outbox) == 1


def test_quiet_hours_are_saved_shown_again_and_cleared(client, make_user):
    user = make_user(email="quiet@example.org")
    client.force_login(user)
    url = reverse("notifications:preferences")
    client.post(url, {"messages": "on", "quiet_starts": "22:00", "quiet_ends": "07:00"})
    quiet = QuietHours.objects.get(user=user)
    assert (f"{quiet.starts:%H:%M}", f"{quiet.ends:%H:%M}") == ("22:00", "07:00")
    page = client.get(url).content.decode()
    assert 'value="22:00"' in page and 'value="07:00"' in page
    client.post(url, {"messages": "on", "quiet_starts": "", "quiet_ends": ""})
    assert not QuietHours.objects.filter(user=user).exists()


def test_quiet_hours_need_both_ends(client, make_user):
    user = make_user(email="quiet@example.org")
    client.force_login(user)
    response = client.post(reverse("notifications:preferences"), {"quiet_starts": "22:00"})
    assert "Give both the start and the end" in response.content.decode()
    assert not QuietHours.objects.exists()
