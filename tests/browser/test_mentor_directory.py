"""A mentee chooses a mentor from the directory of a self-match program."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from matching.loading import settings_for
from matching.models import MentorRequest
from profiles.models import Person
from programs.services import cohort_create, program_create
from tests.factories import enrol_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def person(make_user, email: str, first_name: str, zone: str = "UTC", **fields) -> Person:
    user = make_user(email=email, first_name=first_name, last_name="Tester")
    user.timezone = zone
    user.save()
    return Person.objects.create(user=user, **fields)


def test_mentee_filters_compares_reads_why_and_requests_a_mentor(page, make_user, sign_in):
    program = program_create(name="Open doors", slug="open-doors")
    settings = settings_for(program)
    settings.requests_allowed = True
    settings.save()
    cohort = cohort_create(program=program, name="Spring", slug="spring", status="active")
    rex = person(make_user, "rex@example.org", "Rex", seniority=8, languages=["de"])
    mia = person(
        make_user,
        "mia@example.org",
        "Mia",
        zone="Europe/Berlin",
        seniority=2,
        department="Sales",
        languages=["de", "en"],
        manager=rex,
    )
    enrol_person(cohort, mia, "mentee", interests=["Negotiation", "Design"])
    noah = person(
        make_user,
        "noah@example.org",
        "Noah",
        zone="Europe/Berlin",
        seniority=5,
        department="Finance",
        languages=["de"],
        job_title="Head of purchasing",
    )
    enrol_person(cohort, noah, "mentor", capacity=1, expertise=["Negotiation"])
    olivia = person(
        make_user,
        "olivia@example.org",
        "Olivia",
        zone="America/New_York",
        seniority=7,
        department="Design",
        languages=["en"],
    )
    enrol_person(cohort, olivia, "mentor", capacity=2, expertise=["Design", "Research"])
    enrol_person(cohort, rex, "mentor", capacity=3, expertise=["Negotiation", "Design"])

    sign_in(page, mia.user)
    page.get_by_role("link", name="Mentor requests").click()
    page.get_by_role("link", name="Find a mentor in").click()
    page.get_by_role("link", name="Browse all mentors").click()
    heading = page.get_by_role("heading", name="Mentor directory of Open doors: Spring")
    expect(heading).to_be_visible()
    # Both mentors she may ask, side by side with their scores; never her own manager.
    noah_card = page.get_by_role("region", name="Noah Tester")
    olivia_card = page.get_by_role("region", name="Olivia Tester")
    expect(noah_card).to_contain_text("Match score")
    expect(olivia_card).to_contain_text("Match score")
    expect(page.get_by_role("region", name="Rex Tester")).to_have_count(0)
    expect(olivia_card).to_contain_text("Offers Design, which you want (1 of your 2 topics).")
    expect(olivia_card).to_contain_text("6 hours apart from you.")

    page.get_by_label("Language").select_option(label="German")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("heading", name="1 mentor", exact=True)).to_be_visible()
    expect(olivia_card).to_have_count(0)
    why = noah_card.get_by_role("table", name="Points per criterion")
    expect(why).to_contain_text("You both speak German.")
    expect(why).to_contain_text("Offers Negotiation, which you want (1 of your 2 topics).")
    expect(why).to_contain_text("3 levels more senior than you.")
    expect(why).to_contain_text("Same time as you.")
    expect(noah_card).to_contain_text("Head of purchasing")

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})

    noah_card.get_by_label("Message").fill("I negotiate with suppliers next quarter.")
    noah_card.get_by_role("button", name="Request Noah Tester").click()
    expect(page.get_by_text("Request sent to Noah Tester")).to_be_visible()
    # Back on the directory with the same filter; the request waits for Noah's answer.
    expect(page.get_by_label("Language")).to_have_value("de")
    expect(noah_card).to_contain_text("You have asked this mentor.")
    requests = page.get_by_role("table", name="Your requests")
    expect(requests.get_by_role("row", name="Noah Tester")).to_contain_text("Pending")
    assert MentorRequest.objects.get().status == MentorRequest.Status.PENDING
