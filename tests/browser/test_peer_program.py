from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from profiles.models import Person
from programs.models import Enrolment
from programs.services import cohort_create, program_create
from tests.browser.conftest import finish_job

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLE_WORD = re.compile(r"\bment(?:or|ee)s?\b", re.IGNORECASE)
PHONE = {"width": 390, "height": 844}


def shoot(page, name: str) -> None:
    """Screenshots at desktop and phone width, when SCREENSHOT_DIR asks for them."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if not folder:
        return
    size = page.viewport_size
    page.screenshot(path=str(Path(folder) / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(Path(folder) / f"{name}-390.png"), full_page=True)
    page.set_viewport_size(size)


def person(make_user, email: str, first_name: str, **fields) -> Person:
    user = make_user(email=email, first_name=first_name, last_name="Tester")
    return Person.objects.create(user=user, languages=["en"], **fields)


def test_a_peer_program_speaks_of_partners_from_enrolment_to_pair(
    browser, page, live_server, make_user, sign_in
):
    coordinator = make_user(email="coord@example.org", first_name="Cora")
    program = program_create(
        name="Peer Circles",
        slug="circles",
        format="peer",
        enrolment="open",
        coordinators=[coordinator],
    )
    cohort = cohort_create(
        program=program, name="Circles 2027", slug="circles-2027", status="enrolling"
    )
    dara = person(make_user, "dara@example.org", "Dara", department="Sales")
    Enrolment.objects.create(
        cohort=cohort,
        person=dara,
        role="both",
        status="approved",
        expertise=["python"],
        interests=["negotiation"],
    )
    lee = person(make_user, "lee@example.org", "Lee", department="Legal")

    # The coordinator sees one partner waiting for a second, not "-1 slots short".
    sign_in(page, coordinator)
    page.goto(f"/cohorts/{cohort.slug}/")
    cards = page.get_by_label("Supply and demand")
    expect(cards).to_contain_text("1 partner")
    expect(cards).to_contain_text("1 more place needed")
    assert not ROLE_WORD.search(page.locator("main").inner_text())
    assert not re.search(r"(?<![\w-])-\d", cards.inner_text())
    shoot(page, "peer-cohort")

    # Lee applies: the form asks for no capacity, a partner takes one partner.
    participant = browser.new_context(base_url=live_server.url, timezone_id="UTC").new_page()
    sign_in(participant, lee.user)
    participant.goto("/join/")
    participant.get_by_role("link", name=re.compile("Peer Circles")).click()
    expect(participant.get_by_label("Role")).to_contain_text("Partner")
    expect(participant.get_by_label("Capacity")).to_have_count(0)
    assert not ROLE_WORD.search(participant.locator("main").inner_text())
    shoot(participant, "peer-apply")
    participant.get_by_label("Expertise").fill("negotiation")
    participant.get_by_label("Interests").fill("python")
    participant.get_by_role("button", name="Apply").click()
    expect(participant.get_by_text("Application sent")).to_be_visible()

    # The coordinator approves Lee, matches and publishes.
    page.reload()
    page.get_by_label("Select Lee Tester").check()
    page.get_by_label("With").select_option("approve")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("alert")).to_contain_text("Approved 1 participant")
    expect(cards).to_contain_text("Enough")
    page.get_by_role("button", name="Move to matching").click()
    page.get_by_role("link", name="Matching").click()
    finish_job(page, "Run matching")
    expect(page.get_by_label("Run summary")).to_contain_text("2 of 2 partners matched in 1 pair")
    assert not ROLE_WORD.search(page.locator("main").inner_text())
    shoot(page, "peer-matching")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published").first).to_be_visible()

    # Lee's pair page names Dara as the partner.
    participant.goto("/mentorships/")
    expect(participant.get_by_role("link", name=re.compile("Paired with Dara"))).to_be_visible()
    participant.get_by_role("link", name=re.compile("Paired with Dara")).click()
    expect(participant.locator("main")).to_contain_text("partner: Dara Tester")
    assert not ROLE_WORD.search(participant.locator("main").inner_text())
    shoot(participant, "peer-pair")
    participant.context.close()
