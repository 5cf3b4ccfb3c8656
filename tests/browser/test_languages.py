"""A mentee chooses German, then Spanish: the dashboard, the email the product sends them and
the dates on the page follow; the next person's browser language still decides for them."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from matching.services.runs import match_run_create, match_run_publish
from programs.models import Enrolment
from relationships.models import Mentorship
from sessions.services import session_log
from tests.factories import enrol_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the page, the email and a date say in each language (the catalogues' own words).
EXPECTED = {
    "de": {"heading": "Meine Mentorings", "subject": "kennen", "month": "Mär"},
    "es": {"heading": "Mis mentorías", "subject": "conozca", "month": "mar"},
}


@pytest.fixture
def mia(matching_cohort, make_person):
    mia = make_person("mia@example.org", first_name="Mia", last_name="Test")
    max_ = make_person("max@example.org", first_name="Max", last_name="Test")
    enrol_person(matching_cohort, mia, Enrolment.Role.MENTEE)
    enrol_person(matching_cohort, max_, Enrolment.Role.MENTOR, capacity=1)
    return mia


def choose_language(page, code: str) -> None:
    page.goto("/profile/")
    page.locator("#id_language").select_option(code)
    page.locator("form#profile-form, form").filter(has=page.locator("#id_language")).locator(
        "[type=submit]"
    ).first.click()
    expect(page.locator("html")).to_have_attribute("lang", code)


@pytest.mark.parametrize("code", ["de", "es"])
def test_a_mentee_reads_the_dashboard_an_email_and_a_date_in_their_language(
    code, page, sign_in, mia, matching_cohort, coordinator
):
    sign_in(page, mia.user)
    choose_language(page, code)

    mail.outbox.clear()
    match_run_publish(run=match_run_create(cohort=matching_cohort), user=coordinator)
    (to_mia,) = [m for m in mail.outbox if m.to == ["mia@example.org"]]
    assert EXPECTED[code]["subject"] in to_mia.subject, to_mia.subject
    (to_max,) = [m for m in mail.outbox if m.to == ["max@example.org"]]
    assert "meet your" in to_max.subject  # Max chose no language: the site's English

    pair = Mentorship.objects.get()
    march = timezone.make_aware(datetime(timezone.now().year, 3, 2, 10, 0))
    if march > timezone.now():
        march = march.replace(year=march.year - 1)
    Mentorship.objects.filter(pk=pair.pk).update(
        status=Mentorship.Status.ACTIVE, started_at=march - timedelta(days=30)
    )
    pair.refresh_from_db()
    session_log(mentorship=pair, person=mia, occurred_at=march, duration_minutes=45, format="video")

    page.goto("/dashboard/")
    expect(page.get_by_role("heading", name=EXPECTED[code]["heading"])).to_be_visible()
    expect(page.get_by_text(f"2 {EXPECTED[code]['month']}")).to_be_visible()


def test_without_a_choice_the_browser_language_decides(browser, live_server, mia):
    context = browser.new_context(base_url=live_server.url, locale="es-ES")
    page = context.new_page()
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    context.close()
