"""The pair writes to each other: a message appears without a reload for the writer, the other
side's unread count rises without a reload, and their reply reaches the open thread."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import active_pair, open_as
from tests.factories import CohortFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def not_reloaded(page) -> bool:
    return page.evaluate("window.stillHere === true")


def test_the_pair_exchanges_messages_without_reloading(
    browser, live_server, make_user, sign_in, settings
):
    settings.MESSAGES_POLL_SECONDS = 1
    cohort = CohortFactory(program=ProgramFactory(slug="leaders"), slug="c", status="active")
    pair, people = active_pair(cohort, make_user)

    mentee, mentee_errors = open_as(browser, live_server, sign_in, people["mentee"].user)
    nav_link = mentee.get_by_role("link", name=re.compile("My mentorships"))
    expect(nav_link).to_be_visible()
    expect(nav_link.locator("[data-unread]")).to_have_count(0)
    mentee.evaluate("window.stillHere = true")

    mentor, mentor_errors = open_as(browser, live_server, sign_in, people["mentor"].user)
    mentor.goto(pair.get_absolute_url())
    mentor.evaluate("window.stillHere = true")
    thread = mentor.get_by_role("region", name="Messages")
    thread.get_by_label("Your message").fill("Shall we meet on Thursday?")
    thread.get_by_role("button", name="Send").click()
    expect(thread.get_by_text("Shall we meet on Thursday?")).to_be_visible()
    expect(thread.get_by_label("Your message")).to_have_value("")
    assert not_reloaded(mentor)

    # The mentee's count rises where they are, on the dashboard, with no reload.
    expect(nav_link.locator("[data-unread]")).to_have_text(re.compile(r"^\s*1\b"))
    assert not_reloaded(mentee)

    nav_link.click()
    mentee.get_by_role("link", name=re.compile("Mona Mentor")).first.click()
    reply_box = mentee.get_by_role("region", name="Messages")
    expect(reply_box.get_by_text("Shall we meet on Thursday?")).to_be_visible()
    expect(nav_link.locator("[data-unread]")).to_have_count(0)  # read now
    reply_box.get_by_label("Your message").fill("Thursday works, 10:00?")
    reply_box.get_by_role("button", name="Send").click()
    expect(reply_box.get_by_text("Thursday works, 10:00?")).to_be_visible()

    # The reply reaches the mentor's open thread by itself.
    expect(thread.get_by_text("Thursday works, 10:00?")).to_be_visible()
    assert not_reloaded(mentor)
    for page in (mentor, mentee):
        page.context.close()
    assert mentor_errors == mentee_errors == []
