"""A mentee answers a pulse survey from the email: one click on a rating records it; the page
then takes an optional comment, sent to the coordinator because the box is ticked."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from relationships.models import PulseAnswer
from tests.notifications.pairs import make_pair, outbox_to, scan  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

START = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def test_a_mentee_answers_a_pulse_from_the_email_link(page, make_pair, scan):  # noqa: F811
    with time_machine.travel(START, tick=False):
        pair = make_pair(started_at=START, pulse_every_days=60)
    with time_machine.travel(START + timedelta(days=30), tick=False):
        scan()
    mentee = pair.mentees.get()
    email = next(m for m in outbox_to(mentee.email) if "How useful" in m.subject)
    html = email.alternatives[0][0]
    links = re.findall(r'href="([^"]+/pulse/[^"]+/([1-5])/)"', html)
    four = next(url for url, rating in links if rating == "4")
    path = "/" + four.split("//", 1)[1].split("/", 1)[1]

    page.goto(path)  # the click in the email
    expect(page.get_by_role("status")).to_contain_text("your rating of 4 is recorded")
    answer = PulseAnswer.objects.get()
    assert (answer.person, answer.round, answer.rating) == (mentee, 0, 4)

    page.get_by_label("Anything the coordinator should know?").fill("Meetings keep moving")
    page.get_by_label("Send my comment to the coordinator").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("your answer is saved")).to_be_visible()
    answer.refresh_from_db()
    assert (answer.rating, answer.comment, answer.share_with_coordinator) == (
        4,
        "Meetings keep moving",
        True,
    )
    assert PulseAnswer.objects.count() == 1
