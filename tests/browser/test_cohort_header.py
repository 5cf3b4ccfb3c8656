from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from programs.services import cohort_create, program_create
from tests.factories import EnrolmentFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
TABS = ["Participants", "Import CSV", "Matching", "Match runs", "Relationship health", "Report"]


def shoot(page, name: str) -> None:
    """Saved only when SCREENSHOT_DIR is set, for a person to look at."""
    if folder := os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=Path(folder) / f"{name}.png", full_page=True)


def overflows(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_a_coordinator_moves_between_the_cohort_tabs_on_a_desktop_and_a_phone(
    page, make_user, sign_in
):
    coordinator = make_user(email="cora@example.org", first_name="Cora")
    program = program_create(
        name="2027 Women in Engineering Leadership", slug="wiel", coordinators=[coordinator]
    )
    cohort = cohort_create(
        program=program,
        name="Spring cohort of the leadership circle",
        slug="wiel-spring",
        status="enrolling",
        start_date=dt.date(2027, 3, 1),
        end_date=dt.date(2027, 9, 30),
        enrolment_closes=dt.date(2027, 2, 15),
    )
    for _ in range(3):
        EnrolmentFactory(cohort=cohort, person=PersonFactory(), role="mentee", status="approved")
    sign_in(page, coordinator)

    for size, label in ((DESKTOP, "desktop"), (PHONE, "390")):
        page.set_viewport_size(size)
        page.goto(cohort.get_absolute_url())
        tabs = page.get_by_role("navigation", name=f"Cohort {cohort.name}")
        expect(tabs.get_by_role("link")).to_have_text(TABS)
        expect(page.get_by_role("heading", level=1)).to_have_text(cohort.name)
        header = page.locator("[data-cohort-header]")
        expect(header).to_contain_text("Enrolling")
        expect(header).to_contain_text("enrolment closes 15 Feb 2027")
        expect(tabs.locator('[aria-current="page"]')).to_have_text("Participants")
        assert not overflows(page), f"the cohort page is wider than the screen ({label})"
        shoot(page, f"cohort-header-participants-{label}")

        tabs.get_by_role("link", name="Matching").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Matching: {cohort.name}")
        tabs = page.get_by_role("navigation", name=f"Cohort {cohort.name}")
        expect(tabs.locator('[aria-current="page"]')).to_have_text("Matching")
        assert not overflows(page), f"the matching page is wider than the screen ({label})"
        shoot(page, f"cohort-header-matching-{label}")

        tabs.get_by_role("link", name="Relationship health").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Relationship health")
        expect(
            page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=cohort.name)
        ).to_be_visible()
        assert not overflows(page), f"the health page is wider than the screen ({label})"
