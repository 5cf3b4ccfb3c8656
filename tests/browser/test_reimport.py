from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from profiles.models import Person
from programs.services import cohort_create, program_create
from tests.factories import enrol_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# An HR export of people already in the directory: most cells blank, one department changed,
# Dora's bio cleared on purpose with "-".
EXPORT = """\
email,first_name,last_name,role,department,job_title,manager_email,location,bio
dora@example.org,Dora,Tester,mentor,Finance,,,,-
eli@example.org,Eli,Tester,mentee,,,,,
"""


def change(field: str, before: str, after: str) -> re.Pattern:
    """A change as shown: the arrow for the eye, "becomes" for a screen reader."""
    return re.compile(rf"{field}:\s*{re.escape(before)}\s*→\s*becomes\s*{re.escape(after)}")


def test_coordinator_reimports_known_people_and_their_profiles_stay(
    page, make_user, sign_in, tmp_path
):
    coordinator = make_user(email="coord@example.org", first_name="Cora")
    program = program_create(name="Leaders", slug="leaders", coordinators=[coordinator])
    cohort = cohort_create(program=program, name="2027", slug="leaders-2027")
    boss = Person.objects.create(user=make_user(email="boss@example.org", first_name="Bo"))
    dora = Person.objects.create(
        user=make_user(email="dora@example.org", first_name="Dora", last_name="Tester"),
        department="Sales",
        job_title="Account lead",
        manager=boss,
        location="Lyon",
        bio="Twenty years of selling.",
    )
    eli = Person.objects.create(
        user=make_user(email="eli@example.org", first_name="Eli", last_name="Tester"),
        department="Sales",
        job_title="Analyst",
        manager=boss,
        location="Oslo",
    )
    enrol_person(cohort, dora, "mentor", status="approved")
    sign_in(page, coordinator)

    page.goto(cohort.get_absolute_url())
    page.get_by_role("link", name="Import CSV").click()
    expect(page.get_by_text("A blank cell keeps what is stored")).to_be_visible()
    upload = tmp_path / "export.csv"
    upload.write_text(EXPORT)
    page.get_by_label("Participants CSV").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_text("0 to create")).to_be_visible()
    expect(page.get_by_text("2 to update")).to_be_visible()
    expect(page.get_by_text("1 to add to the cohort")).to_be_visible()
    dora_row = page.get_by_role("row", name=re.compile("dora@example.org"))
    expect(dora_row).to_contain_text("update")
    changes = dora_row.get_by_role("list", name="Changes")
    expect(changes).to_contain_text(change("department", "Sales", "Finance"))
    expect(changes).to_contain_text(change("bio", "Twenty years of selling.", "(empty)"))
    expect(changes).not_to_contain_text("job_title")
    expect(changes).not_to_contain_text("manager_email")
    eli_row = page.get_by_role("row", name=re.compile("eli@example.org"))
    expect(eli_row).to_contain_text("added to the cohort")
    expect(eli_row.get_by_role("list", name="Changes")).to_contain_text(
        change("role", "(empty)", "mentee")
    )
    page.get_by_role("button", name="Confirm import").click()

    expect(page.get_by_text("Imported: 0 created, 2 updated, 0 unchanged")).to_be_visible()
    page.get_by_role("link", name="See the result").click()
    table = page.get_by_role("table")
    expect(table.get_by_role("row", name=re.compile("Eli Tester"))).to_contain_text(
        "Imported, not invited yet"
    )
    expect(table.get_by_role("row", name=re.compile("Dora Tester"))).to_contain_text("Approved")
    dora.refresh_from_db()
    eli.refresh_from_db()
    assert (dora.department, dora.job_title, dora.location, dora.bio) == (
        "Finance",
        "Account lead",
        "Lyon",
        "",
    )
    assert dora.manager == boss
    assert (eli.department, eli.job_title, eli.location, eli.manager) == (
        "Sales",
        "Analyst",
        "Oslo",
        boss,
    )


# Max mentors in another program: this coordinator enrols him, and his record stays as HR
# filed it. Nia is new.
OUTSIDER = """\
email,first_name,last_name,role,department,manager_email
max@example.org,Maxi,Renamed,mentor,Finance,nia@example.org
nia@example.org,Nia,New,mentee,Finance,
"""


def test_a_coordinator_enrols_someone_from_another_program_and_their_record_stays(
    page, make_user, sign_in, tmp_path
):
    coordinator = make_user(email="coord@example.org", first_name="Cora")
    program = program_create(name="Leaders", slug="leaders", coordinators=[coordinator])
    cohort = cohort_create(program=program, name="2027", slug="leaders-2027")
    other = cohort_create(program=program_create(name="Other", slug="other"), name="O", slug="o")
    max_ = Person.objects.create(
        user=make_user(email="max@example.org", first_name="Max", last_name="Tester"),
        department="Sales",
    )
    enrol_person(other, max_, "mentor")
    sign_in(page, coordinator)

    page.goto(cohort.get_absolute_url())
    page.get_by_role("link", name="Import CSV").click()
    upload = tmp_path / "people.csv"
    upload.write_text(OUTSIDER)
    page.get_by_label("Participants CSV").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and preview").click()

    max_row = page.get_by_role("row", name=re.compile("max@example.org"))
    expect(max_row).to_contain_text(
        "Directory data kept (first_name, last_name, department, manager_email): you may not "
        "change people outside your programs."
    )
    expect(max_row).to_contain_text("added to the cohort")
    expect(max_row.get_by_role("list", name="Changes")).not_to_contain_text("department")
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("button", name="Confirm import").click()

    expect(
        page.get_by_text("1 person outside your programs kept their directory data.")
    ).to_be_visible()
    expect(page.get_by_text("max@example.org: Directory data kept")).to_be_visible()
    max_.refresh_from_db()
    max_.user.refresh_from_db()
    assert (max_.user.first_name, max_.department, max_.manager) == ("Max", "Sales", None)
    assert cohort.enrolments.filter(person=max_, role="mentor").exists()
