from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from profiles.models import Person
from programs.importing import (
    ISO_639_1,
    MAX_BYTES,
    STANDARD_COLUMNS,
    cohort_import_participants,
)
from programs.models import Enrolment, EnrolmentQuestion
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    EnrolmentQuestionFactory,
    PersonFactory,
    ProgramFactory,
    UserFactory,
)

User = get_user_model()

COLUMNS = [*STANDARD_COLUMNS, "focus", "meeting_style", "confidence", "goals"]


def row(email: str, **values: str) -> dict[str, str]:
    name = email.split("@")[0]
    base = {
        "email": email,
        "first_name": name.title(),
        "last_name": "Example",
        "role": "mentee",
        "department": "Engineering",
        "seniority": "3",
        "languages": "en",
        "timezone": "Europe/London",
        "focus": "career growth",
    }
    return base | values


def as_csv(rows: list[dict[str, str]], columns: list[str] | None = None) -> bytes:
    out = io.StringIO()
    # Values for columns the file leaves out are dropped, as a spreadsheet export would.
    writer = csv.DictWriter(
        out, fieldnames=columns or COLUMNS, lineterminator="\n", extrasaction="ignore"
    )
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def db_state() -> tuple[list, list, list]:
    """Everything the import could write, so a test can show that nothing was."""
    return (
        list(User.objects.order_by("pk").values()),
        list(Person.objects.order_by("pk").values()),
        list(Enrolment.objects.order_by("pk").values()),
    )


@pytest.fixture
def cohort_with_questions(db):
    """A cohort whose program asks four questions, one of each kind."""
    Kind = EnrolmentQuestion.Kind
    program = ProgramFactory(slug="leadership", name="Leadership")
    EnrolmentQuestionFactory(
        program=program,
        slug="focus",
        kind=Kind.SINGLE,
        required=True,
        choices=["career growth", "technical depth", "leadership"],
    )
    EnrolmentQuestionFactory(
        program=program,
        slug="meeting_style",
        kind=Kind.MULTIPLE,
        choices=["structured", "casual", "walk and talk"],
    )
    EnrolmentQuestionFactory(program=program, slug="confidence", kind=Kind.SCALE)
    EnrolmentQuestionFactory(program=program, slug="goals", kind=Kind.TEXT)
    return CohortFactory(program=program, slug="spring")


@pytest.fixture
def carol(db):
    """Someone already in the directory, whose row in the files below changes her department."""
    return PersonFactory(
        user__email="carol@example.org",
        user__first_name="Carol",
        user__last_name="Example",
        department="Sales",
    )


# --- A file that imports ---------------------------------------------------------------------


def test_import_creates_people_and_enrolments_with_the_parsed_values(cohort_with_questions):
    bob = row("bob@example.org", manager_email="ALICE@example.org", timezone="", capacity="")
    alice = row(
        "Alice@Example.org",
        role="Mentor",
        seniority="7",
        expertise=" Python; architecture ;python;;",
        languages="en; DE",
        timezone="europe/berlin",
        capacity="2",
        bio="Builds things,\nand people.",
        focus="Technical Depth",
        meeting_style="casual;structured",
        confidence="4",
        goals="Grow a team",
    )
    # Bob comes first: a manager may appear later in the file.
    report = cohort_import_participants(
        by=None, cohort=cohort_with_questions, data=as_csv([bob, alice])
    )

    assert report.ok and report.applied
    assert [(r.line, r.email, r.action, r.role) for r in report.rows] == [
        (2, "bob@example.org", "create", "mentee"),
        (3, "alice@example.org", "create", "mentor"),
    ]
    assert report.counts == {"create": 2, "update": 0, "unchanged": 0, "error": 0}
    person = Person.objects.select_related("user").get(user__email="alice@example.org")
    assert person.user.first_name == "Alice"
    assert person.user.timezone == "Europe/Berlin"
    assert person.seniority == 7
    assert person.languages == ["en", "de"]
    assert person.bio == "Builds things,\nand people."
    assert not person.user.has_usable_password()
    enrolment = Enrolment.objects.get(person=person)
    assert enrolment.cohort == cohort_with_questions
    assert enrolment.role == "mentor"
    assert enrolment.status == "invited"
    assert enrolment.expertise == ["python", "architecture"]
    assert enrolment.capacity == 2
    assert enrolment.answers == {
        "focus": "technical depth",
        "meeting_style": ["structured", "casual"],
        "confidence": 4,
        "goals": "Grow a team",
    }
    bob_person = Person.objects.select_related("user", "manager").get(user__email=bob["email"])
    assert bob_person.manager == person
    assert bob_person.user.timezone == "UTC"
    assert Enrolment.objects.get(person=bob_person).capacity is None


def test_header_is_case_insensitive_in_any_order_and_a_bom_is_fine(cohort_with_questions):
    data = "\ufeff Last_Name ,EMAIL,First_Name\nLovelace,ada@example.org,Ada\n".encode()

    report = cohort_import_participants(by=None, cohort=cohort_with_questions, data=data)

    assert report.ok, report
    user = User.objects.get(email="ada@example.org")
    assert (user.first_name, user.last_name) == ("Ada", "Lovelace")
    # Without a role column a row is a directory entry only.
    assert report.rows[0].role == ""
    assert not Enrolment.objects.exists()


def test_a_manager_already_in_the_directory_is_accepted(cohort_with_questions, carol):
    data = as_csv([row("dan@example.org", manager_email="carol@example.org")])

    report = cohort_import_participants(by=None, cohort=cohort_with_questions, data=data)

    assert report.ok
    assert Person.objects.get(user__email="dan@example.org").manager == carol


def test_a_record_spanning_lines_keeps_the_line_numbers_right(cohort_with_questions):
    rows = [
        row("ann@example.org", bio="one\ntwo\nthree"),
        row("ben@example.org", seniority="12"),
    ]

    report = cohort_import_participants(by=None, cohort=cohort_with_questions, data=as_csv(rows))

    assert [r.line for r in report.rows] == [2, 5]
    assert report.rows[1].errors[0].column == "seniority"


def test_a_short_row_reads_its_missing_cells_as_empty(cohort_with_questions):
    data = b"email,first_name,last_name,department,location\nann@example.org,Ann,Example\n"

    report = cohort_import_participants(by=None, cohort=cohort_with_questions, data=data)

    assert report.ok
    assert Person.objects.get(user__email="ann@example.org").department == ""


def test_someone_who_signed_up_alone_gets_their_directory_entry(cohort_with_questions):
    UserFactory(email="solo@example.org", timezone="Asia/Tokyo")
    data = as_csv([row("solo@example.org", timezone="", department="Finance")])

    report = cohort_import_participants(by=None, cohort=cohort_with_questions, data=data)

    assert report.ok and report.rows[0].action == "create"
    person = Person.objects.select_related("user").get(user__email="solo@example.org")
    assert person.department == "Finance"
    assert person.user.timezone == "Asia/Tokyo"  # their own choice, not reset to UTC
    assert User.objects.filter(email="solo@example.org").count() == 1


def test_a_required_question_may_be_left_out_of_the_file_or_unanswered_without_a_role(
    cohort_with_questions,
):
    columns = ["email", "first_name", "last_name", "role"]
    with_role = cohort_import_participants(
        by=None,
        cohort=cohort_with_questions,
        data=as_csv([row("ann@example.org")], columns=columns),
    )
    no_role = cohort_import_participants(
        by=None,
        cohort=cohort_with_questions,
        data=as_csv([row("ben@example.org", role="", focus="")]),
    )

    # Answers to a question missing from the file come later, through the invitation.
    assert with_role.ok and Enrolment.objects.get().answers == {}
    assert no_role.ok


# --- Re-import -------------------------------------------------------------------------------


def _team() -> list[dict[str, str]]:
    return [
        row("lead@example.org", role="mentor", capacity="2", meeting_style="casual"),
        row("ann@example.org", manager_email="lead@example.org", interests="python"),
        row("ben@example.org", manager_email="lead@example.org", role=""),
    ]


def test_importing_the_same_file_twice_changes_nothing_the_second_time(cohort_with_questions):
    first = cohort_import_participants(by=None, cohort=cohort_with_questions, data=as_csv(_team()))
    state = db_state()

    second = cohort_import_participants(by=None, cohort=cohort_with_questions, data=as_csv(_team()))

    assert first.counts["create"] == 3
    assert second.ok and second.applied
    assert [r.action for r in second.rows] == ["unchanged"] * 3
    assert (User.objects.count(), Person.objects.count(), Enrolment.objects.count()) == (3, 3, 2)
    assert db_state() == state


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("last_name", "Changed"),
        ("department", "Finance"),
        ("languages", "en;fr"),
        ("manager_email", "-"),
        ("interests", "python;testing"),
        ("role", "both"),
        ("goals", "Something new"),
    ],
)
def test_changing_one_cell_is_exactly_one_update(cohort_with_questions, column, value):
    cohort_import_participants(by=None, cohort=cohort_with_questions, data=as_csv(_team()))
    rows = _team()
    rows[1][column] = value

    report = cohort_import_participants(by=None, cohort=cohort_with_questions, data=as_csv(rows))

    assert [r.action for r in report.rows] == ["unchanged", "update", "unchanged"]
    assert Person.objects.count() == 3


def test_reordering_a_multiple_choice_answer_is_not_a_change(cohort_with_questions):
    rows = _team()
    rows[0]["meeting_style"] = "structured;casual"
    cohort_import_participants(by=None, cohort=cohort_with_questions, data=as_csv(rows))
    rows[0]["meeting_style"] = "Casual ; structured"

    report = cohort_import_participants(by=None, cohort=cohort_with_questions, data=as_csv(rows))

    assert report.rows[0].action == "unchanged"


def test_reimport_does_not_reset_the_status_of_an_enrolment(cohort_with_questions):
    cohort_import_participants(by=None, cohort=cohort_with_questions, data=as_csv(_team()))
    Enrolment.objects.update(status="approved")
    rows = _team()
    rows[1]["interests"] = "leadership"

    report = cohort_import_participants(by=None, cohort=cohort_with_questions, data=as_csv(rows))

    assert report.rows[1].action == "update"
    enrolment = Enrolment.objects.get(person__user__email="ann@example.org")
    assert enrolment.interests == ["leadership"]
    assert set(Enrolment.objects.values_list("status", flat=True)) == {"approved"}


def test_a_row_with_a_blank_role_keeps_the_enrolment_and_its_role(cohort_with_questions, carol):
    enrolment = EnrolmentFactory(
        cohort=cohort_with_questions,
        person=carol,
        role="mentor",
        status="approved",
        capacity=3,
        answers={"focus": "leadership"},
    )
    same = {"department": "Sales", "job_title": "Engineer", "timezone": "UTC", "languages": ""}
    data = as_csv([row("carol@example.org", role="", focus="leadership", seniority="", **same)])
    before = Enrolment.objects.filter(pk=enrolment.pk).values().get()

    report = cohort_import_participants(by=None, cohort=cohort_with_questions, data=data)

    assert report.ok
    assert (report.rows[0].action, report.rows[0].role) == ("unchanged", "mentor")
    assert Enrolment.objects.filter(pk=enrolment.pk).values().get() == before


def test_a_role_cannot_be_cleared_by_an_import(cohort_with_questions, carol):
    EnrolmentFactory(cohort=cohort_with_questions, person=carol, role="mentor", status="approved")

    report = cohort_import_participants(
        by=None, cohort=cohort_with_questions, data=as_csv([row("carol@example.org", role="-")])
    )

    assert not report.ok
    assert [e.column for e in report.rows[0].errors] == ["role"]
    assert Enrolment.objects.get().role == "mentor"


def test_an_existing_person_enrolled_for_the_first_time_is_an_update(cohort_with_questions, carol):
    same = {"department": "Sales", "job_title": "Engineer", "timezone": "UTC"}
    directory_only = cohort_import_participants(
        by=None,
        cohort=cohort_with_questions,
        data=as_csv([row("carol@example.org", role="", focus="", **same)]),
    )

    report = cohort_import_participants(
        by=None, cohort=cohort_with_questions, data=as_csv([row("carol@example.org", **same)])
    )

    assert directory_only.rows[0].action == "unchanged"  # so the person did not change
    assert report.rows[0].action == "update"
    assert (report.rows[0].enrolment, report.new_enrolments) == ("create", 1)
    assert report.counts == {"create": 0, "update": 1, "unchanged": 0, "error": 0}
    assert [(c.field, c.before, c.after) for c in report.rows[0].changes] == [
        ("role", "", "mentee"),
        ("focus", None, "career growth"),
    ]
    assert Enrolment.objects.get().person == carol


def test_columns_left_out_of_the_file_keep_what_is_stored(cohort_with_questions, carol):
    boss = PersonFactory(user__email="boss@example.org")
    Person.objects.filter(pk=carol.pk).update(manager=boss, languages=["fr"], location="Paris")
    carol.user.timezone = "Asia/Tokyo"
    carol.user.save()
    columns = ["email", "first_name", "last_name", "timezone"]
    data = as_csv([row("carol@example.org", timezone="")], columns=columns)

    report = cohort_import_participants(by=None, cohort=cohort_with_questions, data=data)

    assert report.rows[0].action == "unchanged"
    carol.refresh_from_db()
    carol.user.refresh_from_db()
    assert (carol.department, carol.location, carol.languages) == ("Sales", "Paris", ["fr"])
    assert carol.manager == boss
    assert carol.user.timezone == "Asia/Tokyo"


# --- Dry run, atomicity, queries -------------------------------------------------------------


def test_a_dry_run_reports_the_same_actions_and_writes_nothing(cohort_with_questions, carol):
    rows = [*_team(), row("carol@example.org", department="Finance")]
    state = db_state()

    preview = cohort_import_participants(
        by=None, cohort=cohort_with_questions, data=as_csv(rows), dry_run=True
    )

    assert preview.ok and not preview.applied
    assert db_state() == state
    real = cohort_import_participants(by=None, cohort=cohort_with_questions, data=as_csv(rows))
    assert [r.action for r in preview.rows] == [r.action for r in real.rows]
    assert [r.action for r in real.rows] == ["create", "create", "create", "update"]
    assert real.applied


def test_a_preview_with_errors_still_shows_what_the_valid_rows_would_do(
    cohort_with_questions, carol
):
    rows = [row("new@example.org"), row("carol@example.org"), row("bad@example.org", role="x")]

    report = cohort_import_participants(
        by=None, cohort=cohort_with_questions, data=as_csv(rows), dry_run=True
    )

    assert [r.action for r in report.rows] == ["create", "update", "error"]
    assert report.counts == {"create": 1, "update": 1, "unchanged": 0, "error": 1}


def test_a_failure_while_writing_leaves_nothing_behind(cohort_with_questions, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Enrolment.objects, "bulk_create", fail)

    with pytest.raises(RuntimeError):
        cohort_import_participants(by=None, cohort=cohort_with_questions, data=as_csv(_team()))

    assert not User.objects.exists()
    assert not Person.objects.exists()


def _org(prefix: str, size: int) -> list[dict[str, str]]:
    rows = []
    for i in range(size):
        manager = f"{prefix}{(i - 1) // 3}@example.org" if i else ""
        role = ("mentor", "mentee", "")[i % 3]
        rows.append(row(f"{prefix}{i}@example.org", manager_email=manager, role=role))
    return rows


def _queries(cohort, rows) -> int:
    with CaptureQueriesContext(connection) as queries:
        report = cohort_import_participants(by=None, cohort=cohort, data=as_csv(rows))
    assert report.ok and report.applied
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(cohort_with_questions):
    other = CohortFactory(program=cohort_with_questions.program, slug="autumn")
    small, large = _org("s", 4), _org("l", 40)

    created = (_queries(cohort_with_questions, small), _queries(other, large))
    unchanged = (_queries(cohort_with_questions, small), _queries(other, large))
    for rows in (small, large):
        for r in rows:
            r["department"] = "Finance"
            r["capacity"] = "3" if r["role"] else ""
    updated = (_queries(cohort_with_questions, small), _queries(other, large))

    assert created[0] == created[1]
    assert unchanged[0] == unchanged[1]
    assert updated[0] == updated[1]
    assert max(*created, *updated) <= 20


# --- Bad input: nothing written, a clear message ---------------------------------------------

BAD_ROWS = [
    ({"first_name": ""}, "first_name", "A value is required"),
    ({"last_name": "  "}, "last_name", "A value is required"),
    ({"email": ""}, "email", "A value is required"),
    ({"email": "dan-at-example.org"}, "email", "“dan-at-example.org” is not a valid email"),
    ({"email": "alice@example.org"}, "email", "more than once in the file: on lines 2 and 5"),
    ({"role": "boss"}, "role", "Unknown role “boss”: use mentor, mentee or both"),
    ({"seniority": "11"}, "seniority", "Seniority must be from 1 to 10, not 11"),
    ({"seniority": "0"}, "seniority", "Seniority must be from 1 to 10, not 0"),
    ({"seniority": "senior"}, "seniority", "must be a whole number from 1 to 10, not “senior”"),
    ({"timezone": "Mars/Olympus"}, "timezone", "Unknown time zone “Mars/Olympus”"),
    ({"languages": "en;xx;Klingon"}, "languages", "Unknown language code “xx”, “klingon”"),
    ({"capacity": "0"}, "capacity", "Capacity must be from 1 to 50, not 0"),
    ({"capacity": "-2"}, "capacity", "Capacity must be from 1 to 50, not -2"),
    ({"capacity": "two"}, "capacity", "Capacity must be a whole number from 1 to 50, not “two”"),
    ({"capacity": "1.5"}, "capacity", "Capacity must be a whole number"),
    ({"manager_email": "nobody@example.org"}, "manager_email", "neither in this file nor in"),
    ({"manager_email": "boss at example"}, "manager_email", "is not a valid email address"),
    ({"manager_email": "Dan@example.org"}, "manager_email", "cannot be their own manager"),
    ({"focus": "astrology"}, "focus", "“astrology” is not one of the choices: career growth;"),
    ({"focus": ""}, "focus", "An answer is required"),
    ({"meeting_style": "casual;dancing"}, "meeting_style", "“dancing” is not one of the choices"),
    ({"meeting_style": "tea;dancing"}, "meeting_style", "“tea”, “dancing” are not among the"),
    ({"confidence": "6"}, "confidence", "The answer must be from 1 to 5, not 6"),
    ({"department": "x" * 121}, "department", "Too long: at most 120 characters"),
]


@pytest.mark.parametrize(("values", "column", "message"), BAD_ROWS, ids=lambda v: str(v)[:40])
def test_a_bad_cell_is_reported_and_nothing_is_written(
    cohort_with_questions, carol, values, column, message
):
    rows = [
        row("alice@example.org", role="mentor"),
        row("bob@example.org", manager_email="alice@example.org"),
        row("carol@example.org", department="Finance"),  # an update that must not happen
        row("dan@example.org") | values,
    ]
    state = db_state()

    report = cohort_import_participants(by=None, cohort=cohort_with_questions, data=as_csv(rows))

    assert not report.ok and not report.applied
    assert db_state() == state
    bad = report.rows[3]
    assert (bad.line, bad.action) == (5, "error")
    assert [e.column for e in bad.errors] == [column]
    assert message in bad.errors[0].message
    assert [r.action for r in report.rows[:3]] == ["create", "create", "update"]
    assert report.counts["error"] == 1


def test_a_row_with_more_cells_than_the_header_is_an_error(cohort_with_questions):
    data = (
        b"email,first_name,last_name\nann@example.org,Ann,Example\nben@example.org,Ben,Ex,ample\n"
    )

    report = cohort_import_participants(by=None, cohort=cohort_with_questions, data=data)

    assert not report.ok and not User.objects.exists()
    assert report.rows[1].errors[0].column == ""
    assert "4 cells but the header has 3 columns" in report.rows[1].errors[0].message


def test_every_error_in_every_row_is_reported(cohort_with_questions):
    rows = [
        row("ann@example.org", seniority="99", timezone="Nowhere"),
        row("ben@example.org"),
        row("not-an-email", capacity="0"),
    ]

    report = cohort_import_participants(by=None, cohort=cohort_with_questions, data=as_csv(rows))

    assert [[e.column for e in r.errors] for r in report.rows] == [
        ["seniority", "timezone"],
        [],
        ["email", "capacity"],
    ]
    assert report.error_count == 4
    assert not User.objects.exists()


def test_a_reporting_cycle_in_the_file_names_everyone_in_it(cohort_with_questions):
    rows = [
        row("ann@example.org", manager_email="ben@example.org"),
        row("ben@example.org", manager_email="cy@example.org"),
        row("cy@example.org", manager_email="ann@example.org"),
        row("dee@example.org", manager_email="ann@example.org"),  # below the cycle, not in it
    ]

    report = cohort_import_participants(by=None, cohort=cohort_with_questions, data=as_csv(rows))

    assert not report.ok and not User.objects.exists()
    assert [r.action for r in report.rows] == ["error", "error", "error", "create"]
    message = report.rows[0].errors[0].message
    assert "ann@example.org → ben@example.org → cy@example.org → ann@example.org" in message


def test_a_long_reporting_cycle_is_named_once_and_the_preview_stays_small(
    client, site_admin, cohort_with_questions
):
    # 5,000 people, each reporting to the next, the last to the first. Naming the whole cycle
    # on each of its rows made a 681 MB preview.
    size = 5000
    emails = [f"p{i}@example.org" for i in range(size)]
    rows = [row(email, manager_email=emails[(i + 1) % size]) for i, email in enumerate(emails)]
    client.force_login(site_admin)

    upload = SimpleUploadedFile("cycle.csv", as_csv(rows), content_type="text/csv")
    response = client.post(
        reverse("programs:import_upload", args=[cohort_with_questions.slug]),
        {"file": upload},
        follow=True,
    )

    page = response.content.decode()
    assert len(response.content) < 1_000_000
    assert page.count("form a cycle") == 1
    assert (
        "The reporting lines form a cycle of 5000 people: p0@example.org → p1@example.org → "
        "p2@example.org → p3@example.org → p4@example.org → …"
    ) in page
    assert "5000 with errors" in page
    assert "This preview lists 200 of the file's 5000 rows" in page
    report = response.context["report"]
    assert [e.message for e in report.rows[1].errors] == ["In the reporting cycle named on line 2."]
    assert not User.objects.filter(email__in=emails).exists()


def test_a_reporting_cycle_through_the_existing_directory_is_found(cohort_with_questions):
    # In the directory: low reports to high. The file makes high report to low.
    high = PersonFactory(user__email="high@example.org")
    PersonFactory(user__email="low@example.org", manager=high)
    state = db_state()

    report = cohort_import_participants(
        by=None,
        cohort=cohort_with_questions,
        data=as_csv([row("high@example.org", manager_email="low@example.org")]),
    )

    assert not report.ok
    assert report.rows[0].errors[0].column == "manager_email"
    assert "cycle: high@example.org → low@example.org → high@example.org" in (
        report.rows[0].errors[0].message
    )
    assert db_state() == state


def test_swapping_a_manager_and_a_report_in_one_file_is_not_a_cycle(cohort_with_questions):
    # Checked against the reporting lines as they will be, not as they are.
    high = PersonFactory(user__email="high@example.org")
    low = PersonFactory(user__email="low@example.org", manager=high)
    rows = [
        row("high@example.org", manager_email="low@example.org"),
        row("low@example.org", manager_email="-"),
    ]

    report = cohort_import_participants(by=None, cohort=cohort_with_questions, data=as_csv(rows))

    assert report.ok, report
    high.refresh_from_db()
    assert high.manager == low


BAD_FILES = [
    (b"", "The file is empty."),
    (b" \r\n\n", "The file is empty."),
    (b",,,\n ,\n", "The file is empty."),
    (b"email,first_name,last_name\n", "The file has a header but no rows of people."),
    (b"email,first_name\nann@example.org,Ann\n", "Required column missing: last_name."),
    (b"first_name,last_name\nAnn,Example\n", "Required column missing: email."),
    (b"email,first_name,Email,last_name\na@b.org,A,a@b.org,B\n", "“email” appears 2 times"),
    (b"email,first_name,last_name,\na@b.org,A,B,\n", "Column 4 has no name in the header."),
    (b"email;first_name;last_name\na@b.org;A;B\n", "separated by semicolons or tabs"),
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "This is an Excel workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "This is an Excel workbook"),
    ("email,first_name,last_name\n".encode("utf-16"), "The file is UTF-16 text"),
    (b"email,first_name,last_name\na@b.org,A\x00,B\n", "not a text CSV file"),
    (
        "email,first_name,last_name\nj@b.org,Jérôme,B\n".encode("latin-1"),
        "The file is not UTF-8 text (line 2",
    ),
    (
        b"email,first_name,last_name,bio\na@b.org,A,B," + b"x" * 200_000 + b"\n",
        "Line 2 cannot be read as CSV",
    ),
    # Over the limit and not UTF-8 either: only the size is reported, as it is checked first.
    (b"email,first_name,last_name\n" + b"\xff" * MAX_BYTES, "The file is larger than 10 MB"),
]


@pytest.mark.parametrize(("data", "message"), BAD_FILES, ids=lambda v: repr(v)[:30])
def test_a_bad_file_is_reported_and_nothing_is_written(cohort_with_questions, carol, data, message):
    state = db_state()

    report = cohort_import_participants(by=None, cohort=cohort_with_questions, data=data)

    assert not report.ok and not report.applied
    assert len(report.file_errors) == 1
    assert message in report.file_errors[0]
    assert report.rows == []
    assert report.error_count == 1
    assert db_state() == state


def test_an_unknown_column_is_named_and_the_rows_are_still_checked(cohort_with_questions):
    data = as_csv(
        [row("ann@example.org", departement="Sales", seniority="0")],
        columns=[*COLUMNS, "departement"],
    )

    report = cohort_import_participants(by=None, cohort=cohort_with_questions, data=data)

    assert not report.ok and not User.objects.exists()
    assert len(report.file_errors) == 1
    assert "Unknown column “departement”. Did you mean “department”?" in report.file_errors[0]
    assert "focus, meeting_style, confidence, goals" in report.file_errors[0]
    assert [e.column for e in report.rows[0].errors] == ["seniority"]


def test_a_file_just_under_the_size_limit_is_read(cohort_with_questions):
    header = b"email,first_name,last_name,bio\n"
    line = b"ann@example.org,Ann,Example,Bio\n"
    # Blank lines of spaces (skipped), each under the csv module's 128 KiB cell limit.
    blank = b" " * 99_999 + b"\n"
    space = MAX_BYTES - len(header) - len(line)
    data = header + line + blank * (space // len(blank)) + b"\n" * (space % len(blank))

    report = cohort_import_participants(by=None, cohort=cohort_with_questions, data=data)

    assert len(data) == MAX_BYTES
    assert report.ok, report.file_errors


def test_the_language_list_is_iso_639_1():
    assert len(ISO_639_1) == 184
    assert {"en", "de", "zh", "sw", "pt"} <= ISO_639_1
    assert all(len(code) == 2 and code.islower() for code in ISO_639_1)
    assert "xx" not in ISO_639_1


def test_clearing_an_answer_removes_it(cohort_with_questions):
    rows = [row("ann@example.org", goals="Learn Rust", confidence="3")]
    cohort_import_participants(by=None, cohort=cohort_with_questions, data=as_csv(rows))
    rows[0]["goals"] = "-"

    report = cohort_import_participants(by=None, cohort=cohort_with_questions, data=as_csv(rows))

    assert report.rows[0].action == "update"
    assert Enrolment.objects.get().answers == {"focus": "career growth", "confidence": 3}


def test_a_question_slug_with_capitals_is_matched_and_stored_as_written(cohort_with_questions):
    EnrolmentQuestionFactory(
        program=cohort_with_questions.program, slug="TeamSize", kind="scale", required=True
    )
    columns = ["email", "first_name", "last_name", "role", "teamsize"]

    ok = cohort_import_participants(
        by=None,
        cohort=cohort_with_questions,
        data=as_csv([row("ann@example.org", teamsize="2")], columns=columns),
    )
    missing = cohort_import_participants(
        by=None,
        cohort=cohort_with_questions,
        data=as_csv([row("ben@example.org", teamsize="")], columns=columns),
    )

    assert ok.ok and Enrolment.objects.get().answers == {"TeamSize": 2}
    assert [(e.column, e.message) for e in missing.rows[0].errors] == [
        ("teamsize", "An answer is required for anyone with a role.")
    ]


# --- Blank keeps, "-" clears -----------------------------------------------------------------


@pytest.fixture
def dora(db, cohort_with_questions):
    """Someone fully described in the directory and enrolled, as a profile edit leaves her."""
    boss = PersonFactory(user__email="boss@example.org")
    dora = PersonFactory(
        user__email="dora@example.org",
        user__first_name="Dora",
        user__last_name="Example",
        user__timezone="Asia/Tokyo",
        department="Sales",
        job_title="Account lead",
        seniority=6,
        manager=boss,
        languages=["fr", "en"],
        location="Lyon",
        bio="Twenty years of selling.",
    )
    EnrolmentFactory(
        cohort=cohort_with_questions,
        person=dora,
        role=Enrolment.Role.MENTOR,
        status=Enrolment.Status.APPROVED,
        expertise=["negotiation"],
        interests=["coaching"],
        capacity=2,
        answers={"focus": "leadership", "goals": "Share what I know"},
    )
    return dora


def _blank_row(email: str, **values: str) -> dict[str, str]:
    """A row with every column in the file and only the required cells filled."""
    return dict.fromkeys(COLUMNS, "") | {"email": email, "first_name": "Dora"} | values


def test_blank_cells_keep_what_is_stored(cohort_with_questions, dora):
    before = db_state()

    report = cohort_import_participants(
        by=None,
        cohort=cohort_with_questions,
        data=as_csv([_blank_row("dora@example.org", last_name="Example")]),
    )

    assert report.ok and report.applied
    assert db_state() == before
    assert report.rows[0].action == "unchanged"
    assert report.counts == {"create": 0, "update": 0, "unchanged": 1, "error": 0}
    assert report.rows[0].changes == []


def test_a_blank_cell_keeps_and_a_filled_one_updates_in_the_same_row(cohort_with_questions, dora):
    data = as_csv([_blank_row("dora@example.org", last_name="Example", department="Finance")])

    report = cohort_import_participants(by=None, cohort=cohort_with_questions, data=data)

    assert [(c.field, c.before, c.after) for c in report.rows[0].changes] == [
        ("department", "Sales", "Finance")
    ]
    dora.refresh_from_db()
    assert (dora.job_title, dora.location, dora.bio) == (
        "Account lead",
        "Lyon",
        "Twenty years of selling.",
    )
    assert dora.manager.user.email == "boss@example.org"
    assert dora.department == "Finance"


def test_a_dash_clears_every_optional_column(cohort_with_questions, dora):
    cleared = dict.fromkeys(
        [c for c in COLUMNS if c not in ("email", "first_name", "last_name", "role", "focus")],
        "-",
    )
    data = as_csv([_blank_row("dora@example.org", last_name="Example", **cleared)])

    report = cohort_import_participants(by=None, cohort=cohort_with_questions, data=data)

    assert report.ok, report.rows[0].errors
    dora.refresh_from_db()
    dora.user.refresh_from_db()
    person = (dora.department, dora.job_title, dora.seniority, dora.manager, dora.languages)
    assert person == ("", "", None, None, [])
    assert (dora.location, dora.bio, dora.user.timezone) == ("", "", "UTC")
    enrolment = Enrolment.objects.get(person=dora)
    assert (enrolment.expertise, enrolment.interests, enrolment.capacity) == ([], [], None)
    assert enrolment.answers == {"focus": "leadership"}
    assert (enrolment.role, enrolment.status) == ("mentor", "approved")


def test_a_required_answer_cannot_be_cleared_but_a_blank_keeps_it(cohort_with_questions, dora):
    kept = cohort_import_participants(
        by=None,
        cohort=cohort_with_questions,
        data=as_csv([_blank_row("dora@example.org", last_name="Example")]),
    )
    cleared = cohort_import_participants(
        by=None,
        cohort=cohort_with_questions,
        data=as_csv([_blank_row("dora@example.org", last_name="Example", focus="-")]),
    )

    assert kept.ok
    assert [(e.column, e.message) for e in cleared.rows[0].errors] == [
        ("focus", "An answer is required for anyone with a role.")
    ]


def test_reimporting_known_people_with_blank_cells_counts_updates_not_creates(
    cohort_with_questions, dora
):
    """The reported case: people already in the directory, imported into a new cohort from an
    export that leaves most cells blank."""
    autumn = CohortFactory(program=cohort_with_questions.program, slug="autumn")
    others = [
        PersonFactory(user__email=f"p{n}@example.org", job_title="Analyst", location="Oslo")
        for n in range(7)
    ]
    rows = [
        _blank_row(p.user.email, first_name=p.user.first_name, last_name=p.user.last_name)
        | {"role": "mentee", "focus": "leadership"}
        for p in others
    ]
    rows.append(
        _blank_row("dora@example.org", last_name="Example", role="mentor", focus="leadership")
    )

    preview = cohort_import_participants(by=None, cohort=autumn, data=as_csv(rows), dry_run=True)
    result = cohort_import_participants(by=None, cohort=autumn, data=as_csv(rows))

    for report in (preview, result):
        assert report.counts == {"create": 0, "update": 8, "unchanged": 0, "error": 0}
    for report in (preview, result):
        assert report.new_enrolments == 8
        assert report.summary == (
            "0 created, 8 updated, 0 unchanged, 0 with errors. 8 added to the cohort."
        )
    dora.refresh_from_db()
    assert (dora.job_title, dora.location, dora.bio, dora.manager.user.email) == (
        "Account lead",
        "Lyon",
        "Twenty years of selling.",
        "boss@example.org",
    )
    assert set(
        Person.objects.filter(pk__in=[p.pk for p in others]).values_list("job_title", "location")
    ) == {("Analyst", "Oslo")}


def test_the_preview_lists_each_change_as_before_and_after(cohort_with_questions, dora):
    data = as_csv(
        [
            _blank_row(
                "dora@example.org",
                last_name="Example",
                job_title="Head of sales",
                manager_email="-",
                expertise="negotiation;pricing",
                goals="Grow leaders",
            )
        ]
    )

    report = cohort_import_participants(
        by=None, cohort=cohort_with_questions, data=data, dry_run=True
    )

    assert report.rows[0].action == "update"
    assert [(c.field, c.before, c.after) for c in report.rows[0].changes] == [
        ("job_title", "Account lead", "Head of sales"),
        ("manager_email", "boss@example.org", ""),
        ("expertise", ["negotiation"], ["negotiation", "pricing"]),
        ("goals", "Share what I know", "Grow leaders"),
    ]
