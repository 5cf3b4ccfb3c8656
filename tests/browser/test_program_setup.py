from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARTICIPANTS = """\
Email,First_Name,Last_Name,Role,Department,Seniority,Manager_Email,Expertise,Interests,Timezone
ines@example.org,Ines,Ortiz,mentor,Engineering,7,,python;architecture,,Europe/Lisbon
tom@example.org,Tom,Berg,mentee,Engineering,2,ines@example.org,,python,Europe/Berlin
ada@example.org,Ada,Mensah,mentee,Sales,3,,,negotiation,Africa/Nairobi
"""


def test_coordinator_sets_up_a_program_and_imports_participants(page, make_user, sign_in, tmp_path):
    coordinator = make_user(email="cora@example.org", first_name="Cora")
    coordinator.user_permissions.add(Permission.objects.get(codename="create_program"))
    sign_in(page, coordinator)

    page.get_by_role("link", name="Programs", exact=True).click()
    page.get_by_role("link", name="New program").click()
    page.get_by_label("Name").fill("Engineering Mentoring")
    page.get_by_label("Slug").fill("eng-mentoring")
    page.get_by_label("Format").select_option("one_to_one")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Engineering Mentoring")).to_be_visible()

    page.get_by_role("link", name="New cohort").click()
    page.get_by_label("Name").fill("Spring 2027")
    page.get_by_label("Slug").fill("spring-2027")
    page.get_by_label("Start date").fill("2027-03-01")
    page.get_by_label("End date").fill("2027-09-30")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Spring 2027")).to_be_visible()

    # A file with a mistake first: the preview says where, and nothing is written.
    bad = tmp_path / "bad.csv"
    bad.write_text(PARTICIPANTS.replace("mentee,Sales,3", "mentee,Sales,11"))
    page.get_by_role("link", name="Import CSV").click()
    page.get_by_label("Participants CSV").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_text("1 with errors")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("ada@example.org"))).to_contain_text("seniority")
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)

    good = tmp_path / "people.csv"
    good.write_text(PARTICIPANTS)
    page.get_by_role("link", name="Upload again").click()
    page.get_by_label("Participants CSV").set_input_files(str(good))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_text("3 to create")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("tom@example.org"))).to_contain_text("create")
    page.get_by_role("button", name="Confirm import").click()

    expect(page.get_by_text("Imported: 3 created")).to_be_visible()
    page.get_by_role("link", name="See the result").click()
    table = page.get_by_role("table")
    for name in ("Ines Ortiz", "Tom Berg", "Ada Mensah"):
        expect(table).to_contain_text(name)
    expect(page.get_by_label("Supply and demand")).to_contain_text("mentees")

    page.get_by_label("Role", exact=True).select_option("mentor")
    page.get_by_role("button", name="Filter").click()
    expect(table).to_contain_text("Ines Ortiz")
    expect(table).not_to_contain_text("Tom Berg")
