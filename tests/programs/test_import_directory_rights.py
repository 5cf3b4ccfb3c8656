"""Whose directory record a coordinator's import may change.

The directory record (name, department, manager, time zone, …) belongs to the organisation: a
coordinator's import enrols people already known, but rewrites the record only of people who
take part in that coordinator's programs alone and have no rights of their own."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from profiles.models import Person
from programs.importing import cohort_import_participants
from programs.models import Enrolment
from programs.services import cohort_create, program_create

pytestmark = pytest.mark.django_db

HEADER = "email,first_name,last_name,role,department,seniority,timezone,manager_email"
KEPT = "Directory data kept"


@pytest.fixture
def coordinator_b(make_user):
    return make_user(email="bea@example.org", first_name="Bea")


@pytest.fixture
def cohort_b(coordinator_b):
    program = program_create(name="Program B", slug="b", coordinators=[coordinator_b])
    return cohort_create(program=program, name="B 2027", slug="b-2027")


@pytest.fixture
def people(make_user, site_admin):
    """The site admin, program A's coordinator and a mentor in program A, as HR filed them."""
    coordinator_a = make_user(email="alf@example.org", first_name="Alf", last_name="Adams")
    program_a = program_create(name="Program A", slug="a", coordinators=[coordinator_a])
    cohort_a = cohort_create(program=program_a, name="A 2027", slug="a-2027")
    boss = Person.objects.create(user=make_user(email="boss@example.org"))
    people = {}
    for user in (site_admin, coordinator_a, make_user(email="max@example.org")):
        user.first_name, user.last_name, user.timezone = "Kept", "Name", "Asia/Tokyo"
        user.save()
        people[user.email] = Person.objects.create(
            user=user, department="Research", seniority=6, manager=boss
        )
    Enrolment.objects.create(
        cohort=cohort_a, person=people["max@example.org"], role="mentor", status="approved"
    )
    return people


def directory_record(person: Person) -> tuple:
    person.refresh_from_db()
    person.user.refresh_from_db()
    user = person.user
    manager = person.manager.email if person.manager else ""
    return (
        user.first_name,
        user.last_name,
        user.timezone,
        person.department,
        person.seniority,
        manager,
    )


ATTACK = f"""{HEADER}
mia@example.org,Mia,New,mentee,Sales,1,Europe/Paris,
admin@example.org,Evil,Admin,mentee,Sales,1,Europe/Paris,mia@example.org
alf@example.org,Evil,Coordinator,mentor,Sales,1,Europe/Paris,mia@example.org
max@example.org,Evil,Mentor,,Sales,1,Europe/Paris,mia@example.org
"""


def test_a_coordinator_cannot_rewrite_the_directory_record_of_people_outside_their_programs(
    client, coordinator_b, cohort_b, people, django_capture_on_commit_callbacks
):
    before = {email: directory_record(person) for email, person in people.items()}
    client.force_login(coordinator_b)

    upload = SimpleUploadedFile("people.csv", ATTACK.encode(), content_type="text/csv")
    response = client.post(
        reverse("programs:import_upload", args=[cohort_b.slug]), {"file": upload}, follow=True
    )
    preview = response.content.decode()
    assert preview.count(KEPT) == 3
    assert "you may not change people outside your programs" in preview
    with django_capture_on_commit_callbacks(execute=True):  # the import job runs on commit
        response = client.post(response.redirect_chain[-1][0])
    job_page = client.get(response.url)

    assert {email: directory_record(person) for email, person in people.items()} == before
    job = job_page.context["job"]
    assert job.state == "succeeded"
    result = [job.result["summary"], *job.result["warnings"]]
    assert all(line in job_page.content.decode() for line in result)
    assert "3 people outside your programs kept their directory data." in result[0]
    assert sum(KEPT in message for message in result) == 3
    # What the coordinator may do is done: the new mentee is filed, and the two with a role
    # are enrolled in program B.
    mia = Person.objects.get(user__email="mia@example.org")
    assert directory_record(mia) == ("Mia", "New", "Europe/Paris", "Sales", 1, "")
    assert set(cohort_b.enrolments.values_list("person__user__email", "role")) == {
        ("mia@example.org", "mentee"),
        ("admin@example.org", "mentee"),
        ("alf@example.org", "mentor"),
    }


def test_the_preview_names_the_columns_kept(coordinator_b, cohort_b, people):
    report = cohort_import_participants(
        cohort=cohort_b, data=ATTACK.encode(), by=coordinator_b, dry_run=True
    )

    assert report.ok
    kept = {row.email: row.kept for row in report.rows}
    assert kept["max@example.org"] == [
        "first_name",
        "last_name",
        "department",
        "seniority",
        "manager_email",
        "timezone",
    ]
    assert kept["mia@example.org"] == []
    # Kept values are not changes: only the enrolment changes for a kept person.
    max_row = next(row for row in report.rows if row.email == "max@example.org")
    assert (max_row.action, max_row.changes) == ("unchanged", [])


def test_a_coordinator_updates_people_who_take_part_in_their_programs_only(
    make_user, coordinator_b, cohort_b, people
):
    own = Person.objects.create(user=make_user(email="own@example.org"), department="Research")
    Enrolment.objects.create(cohort=cohort_b, person=own, role="mentee")
    # In program B too, but also in program A: not B's coordinator's alone.
    shared = people["max@example.org"]
    Enrolment.objects.create(cohort=cohort_b, person=shared, role="mentee")
    data = f"""{HEADER}
own@example.org,Own,Person,,Sales,2,,
max@example.org,Max,Person,,Sales,2,,
""".encode()

    report = cohort_import_participants(cohort=cohort_b, data=data, by=coordinator_b)

    assert report.ok and report.applied
    own.refresh_from_db()
    assert (own.department, own.seniority, own.user.first_name) == ("Sales", 2, "Own")
    assert directory_record(shared)[:4] == ("Kept", "Name", "Asia/Tokyo", "Research")


def test_a_participant_with_rights_is_not_a_coordinators_to_change(
    make_user, coordinator_b, cohort_b
):
    hr = make_user(email="hr@example.org", is_hr_viewer=True)
    person = Person.objects.create(user=hr, department="People")
    Enrolment.objects.create(cohort=cohort_b, person=person, role="mentee")
    data = f"{HEADER}\nhr@example.org,H,R,,Sales,,,\n".encode()

    report = cohort_import_participants(cohort=cohort_b, data=data, by=coordinator_b)

    assert report.rows[0].kept == ["first_name", "last_name", "department"]
    person.refresh_from_db()
    assert person.department == "People"


@pytest.mark.parametrize("who", ["directory manager", "site admin", "HR import"])
def test_directory_managers_and_the_hr_import_write_every_record(
    who, coordinator_b, cohort_b, people, site_admin
):
    by = {"directory manager": coordinator_b, "site admin": site_admin, "HR import": None}[who]
    if who == "directory manager":
        coordinator_b.user_permissions.add(Permission.objects.get(codename="manage_directory"))

    report = cohort_import_participants(cohort=cohort_b, data=ATTACK.encode(), by=by)

    assert report.ok and report.kept_count == 0
    assert directory_record(people["max@example.org"]) == (
        "Evil",
        "Mentor",
        "Europe/Paris",
        "Sales",
        1,
        "mia@example.org",
    )


def test_a_site_admin_gives_the_directory_permission_in_the_admin(
    client, site_admin, coordinator_b
):
    permission = Permission.objects.get(codename="manage_directory")
    client.force_login(site_admin)
    url = reverse("admin:users_user_change", args=[coordinator_b.pk])

    page = client.get(url)
    assert f'<option value="{permission.pk}"' in page.content.decode()
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["user_permissions"] = [permission.pk]
    data["date_joined_0"], data["date_joined_1"] = "2027-01-01", "09:00:00"
    data.pop("date_joined", None)
    data.pop("last_login", None)
    client.post(url, data)

    coordinator_b.refresh_from_db()
    assert coordinator_b.has_perm("profiles.manage_directory")
