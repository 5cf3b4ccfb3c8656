from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from programs.models import Cohort
from relationships import services as relationship_services
from relationships.models import Mentorship
from scheduling.models import Meeting
from scheduling.services import meeting_schedule
from sessions import services as session_services
from sessions.models import SessionLog
from tests.factories import CohortFactory, PersonFactory, ProgramFactory, paired

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ines_and_tom(make_user):
    """An active pair: Ines mentors Tom."""
    cohort = CohortFactory(
        program=ProgramFactory(slug="eng"), slug="eng-2027", status=Cohort.Status.ACTIVE
    )
    mentor = PersonFactory(user=make_user(email="ines@example.org", first_name="Ines"))
    mentee = PersonFactory(user=make_user(email="tom@example.org", first_name="Tom"))
    pair = paired(cohort=cohort, mentor=mentor, mentees=[mentee])
    Mentorship.objects.filter(pk=pair.pk).update(
        status=Mentorship.Status.ACTIVE, started_at=timezone.now()
    )
    pair.refresh_from_db()
    return pair


def test_closing_a_pair_takes_its_meeting_off_coming_up_and_sends_the_cancellation(
    page, sign_in, ines_and_tom
):
    meeting = meeting_schedule(
        mentorship=ines_and_tom,
        scheduled_by=ines_and_tom.mentor.user,
        start=timezone.now() + timedelta(days=3),
    )
    mail.outbox.clear()
    sign_in(page, ines_and_tom.mentor.user)
    page.goto("/meetings/")
    coming_up = page.get_by_role("table").first
    expect(coming_up).to_contain_text(f"{timezone.localtime(meeting.start):%-d %b}")

    page.goto(ines_and_tom.get_absolute_url())
    page.get_by_text("Close this mentorship early").click()
    page.get_by_label("Reason").select_option("no_time")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Close early").click()
    expect(page.get_by_text("The mentorship is now closed early.")).to_be_visible()

    page.goto("/meetings/")
    expect(page.get_by_text("Nothing planned.")).to_be_visible()
    assert Meeting.objects.get().is_cancelled
    assert sorted(m.to[0] for m in mail.outbox) == ["ines@example.org", "tom@example.org"]
    for message in mail.outbox:
        calendar = Calendar.from_ical(message.attachments[0][1])
        assert calendar["METHOD"] == "CANCEL"
        (event,) = calendar.walk("VEVENT")
        assert (str(event["UID"]), event["SEQUENCE"]) == (meeting.uid, 1)


@pytest.fixture
def slow_server(monkeypatch):
    """Make a service take a while, as on a busy server: the second click of an impatient
    double click then lands while the first request is still on its way."""

    def slow_down(module, name: str) -> None:
        service = getattr(module, name)

        def slowly(**kwargs):
            time.sleep(0.8)
            return service(**kwargs)

        monkeypatch.setattr(module, name, slowly)

    return slow_down


def click_twice(page, button) -> None:
    """Two clicks a moment apart; the mouse does not wait for the page like click() does."""
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    page.wait_for_timeout(300)
    page.mouse.click(x, y)


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-javascript"])
def test_a_double_click_on_log_session_saves_one_session(
    browser, live_server, sign_in, ines_and_tom, slow_server, javascript
):
    slow_server(session_services, "session_log")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    page = context.new_page()
    sign_in(page, ines_and_tom.mentor.user)
    page.goto(ines_and_tom.get_absolute_url())
    form = page.locator("#log-session")
    form.get_by_role("link", name="Log a session").click()
    form.get_by_label("Minutes").fill("45")
    form.get_by_label("Shared notes").fill("We met once")
    click_twice(page, form.get_by_role("button", name="Log session"))
    if javascript:  # the second click never left the page
        expect(page.get_by_role("status")).to_contain_text("Session logged")
    else:  # the server refused the second copy
        expect(page.get_by_text("already logged for your pair")).to_be_visible()
    page.goto(ines_and_tom.get_absolute_url())
    expect(page.get_by_text(re.compile("1 session so far"))).to_be_visible()
    assert SessionLog.objects.count() == 1
    context.close()


def test_a_double_click_on_a_plain_form_sends_it_once(page, sign_in, ines_and_tom, slow_server):
    """The closing survey posts without htmx: the second click must not reach the server."""
    slow_server(relationship_services, "closing_survey_submit")
    Mentorship.objects.filter(pk=ines_and_tom.pk).update(
        status="completed", ended_at=timezone.now()
    )
    sign_in(page, ines_and_tom.mentees.get().user)
    page.goto(f"/mentorships/{ines_and_tom.pk}/survey/")
    score = page.get_by_role("group", name=re.compile("How likely are you to recommend"))
    score.get_by_text("9", exact=True).click()
    click_twice(page, page.get_by_role("button", name="Send my answers"))
    expect(page.get_by_text("Thank you for your answers.")).to_be_visible()
    expect(page.get_by_text("You have already answered")).to_have_count(0)


def test_the_recommendation_scale_works_by_keyboard_and_fits_a_phone(page, sign_in, ines_and_tom):
    Mentorship.objects.filter(pk=ines_and_tom.pk).update(
        status="completed", ended_at=timezone.now()
    )
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, ines_and_tom.mentor.user)
    page.goto(f"/mentorships/{ines_and_tom.pk}/survey/")
    scale = page.get_by_role("group", name=re.compile("How likely are you to recommend"))
    expect(scale).to_contain_text("0 = not at all likely")
    expect(scale).to_contain_text("10 = extremely likely")
    scale.get_by_label("0", exact=True).focus()
    for _ in range(9):
        page.keyboard.press("ArrowRight")
    expect(scale.get_by_label("9", exact=True)).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Thank you for your answers.")).to_be_visible()
    assert ines_and_tom.closing_surveys.get().recommend_score == 9
