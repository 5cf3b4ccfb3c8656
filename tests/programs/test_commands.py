from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from profiles.models import Person
from programs.importing import MAX_BYTES
from programs.management.commands import import_participants
from programs.models import Cohort, Enrolment, Program
from tests.factories import CohortFactory, ProgramFactory

User = get_user_model()

GOOD = (
    "email,first_name,last_name,role,manager_email\n"
    "lead@example.org,Lea,Lead,mentor,\n"
    "ann@example.org,Ann,Example,mentee,lead@example.org\n"
)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def spring_cohort(db):
    return CohortFactory(slug="spring-2027")


@pytest.fixture
def csv_file(tmp_path: Path):
    def write(text: str | bytes) -> str:
        path = tmp_path / "people.csv"
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        return str(path)

    return write


# --- import_participants ---------------------------------------------------------------------


def test_import_writes_and_prints_the_counts(spring_cohort, csv_file):
    out, err = run("import_participants", "spring-2027", csv_file(GOOD))

    assert "2 created, 0 updated, 0 unchanged, 0 with errors." in out
    assert err == ""
    assert Enrolment.objects.filter(cohort=spring_cohort).count() == 2

    out, _ = run("import_participants", "spring-2027", csv_file(GOOD))
    assert "0 created, 0 updated, 2 unchanged, 0 with errors." in out


def test_a_dry_run_prints_the_counts_and_writes_nothing(spring_cohort, csv_file):
    out, _ = run("import_participants", "spring-2027", csv_file(GOOD), "--dry-run")

    assert "2 created" in out
    assert "Dry run: nothing was written." in out
    assert not User.objects.exists()


def test_errors_are_printed_by_line_and_column_and_nothing_is_written(spring_cohort, csv_file):
    path = csv_file(GOOD + "bad@example.org,Bad,Row,boss,\nann@example.org,Ann,Again,mentee,\n")
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match=r"Nothing was imported: 2 error\(s\)\."):
        call_command("import_participants", "spring-2027", path, stdout=out, stderr=err)

    assert "line 4, role: Unknown role “boss”" in err.getvalue()
    assert "line 5, email: ann@example.org appears more than once" in err.getvalue()
    assert "on lines 3 and 5." in err.getvalue()
    assert "2 created, 0 updated, 0 unchanged, 2 with errors." in out.getvalue()
    assert not User.objects.exists()


def test_a_file_error_is_printed(spring_cohort, csv_file):
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command(
            "import_participants", "spring-2027", csv_file(b""), stdout=io.StringIO(), stderr=err
        )

    assert "file: The file is empty." in err.getvalue()


def test_a_huge_file_is_refused_without_reading_all_of_it(spring_cohort, csv_file, monkeypatch):
    path = csv_file(b"email,first_name,last_name\n" + b"x" * (MAX_BYTES + 10))
    sizes = []
    real = import_participants.cohort_import_participants

    def spy(**kwargs):
        sizes.append(len(kwargs["data"]))
        return real(**kwargs)

    monkeypatch.setattr(import_participants, "cohort_import_participants", spy)
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_participants", "spring-2027", path, stdout=io.StringIO(), stderr=err)

    assert sizes == [MAX_BYTES + 1]
    assert "larger than 10 MB" in err.getvalue()


def test_an_unknown_cohort_is_an_error(db, csv_file):
    with pytest.raises(CommandError, match="There is no cohort with the slug “nope”"):
        run("import_participants", "nope", csv_file(GOOD))


def test_an_unreadable_file_is_an_error(spring_cohort, tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.csv"):
        run("import_participants", "spring-2027", str(tmp_path / "missing.csv"))


def test_errors_exit_with_status_1_from_the_command_line(spring_cohort, csv_file, capsys):
    command = import_participants.Command()

    with pytest.raises(SystemExit) as exit_info:
        command.run_from_argv(
            ["manage.py", "import_participants", "--skip-checks", "nope", csv_file(GOOD)]
        )

    assert exit_info.value.code == 1
    assert "There is no cohort with the slug “nope”" in capsys.readouterr().err


# --- create_cohort ---------------------------------------------------------------------------


def test_create_cohort_creates_the_program_with_its_defaults(db):
    out, _ = run("create_cohort", "engineering-leadership", "spring-2027", "--start", "2027-03-01")

    program = Program.objects.get(slug="engineering-leadership")
    assert program.name == "Engineering Leadership"
    assert (program.format, program.default_capacity, program.enrolment) == (
        "one_to_one",
        1,
        "invite_only",
    )
    cohort = Cohort.objects.get(slug="spring-2027")
    assert (cohort.program, cohort.name, cohort.status) == (program, "Spring 2027", "draft")
    assert cohort.start_date == dt.date(2027, 3, 1)
    assert "Created the program" in out and "Created the cohort" in out


def test_create_cohort_uses_the_given_names_format_and_dates(db):
    run(
        "create_cohort",
        "circles",
        "circles-2027",
        "--format",
        "peer",
        "--program-name",
        "Peer Learning Circles",
        "--cohort-name",
        "Circles, 2027",
        "--start",
        "2027-01-11",
        "--end",
        "2027-06-30",
    )

    cohort = Cohort.objects.select_related("program").get(slug="circles-2027")
    assert (cohort.program.name, cohort.program.format) == ("Peer Learning Circles", "peer")
    assert (cohort.name, cohort.end_date) == ("Circles, 2027", dt.date(2027, 6, 30))


def test_create_cohort_adds_to_an_existing_program(db):
    program = ProgramFactory(slug="leaders", name="Leaders", format="group")

    out, _ = run("create_cohort", "leaders", "leaders-2027")

    assert Cohort.objects.get(slug="leaders-2027").program == program
    assert Program.objects.count() == 1
    assert "Created the program" not in out


def test_create_cohort_refuses_an_existing_cohort(db):
    existing = CohortFactory(slug="spring-2027", name="Spring")

    with pytest.raises(CommandError, match="“spring-2027” already exists"):
        run("create_cohort", "other-program", "spring-2027")

    assert list(Cohort.objects.all()) == [existing]
    assert not Program.objects.filter(slug="other-program").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--format", "speed-dating"], "Unknown format “speed-dating”: use one of one_to_one,"),
        (["--start", "1 March 2027"], "--start must be a date as YYYY-MM-DD, not “1 March 2027”"),
        (["--end", "2027-02-30"], "--end must be a date as YYYY-MM-DD"),
        (["--start", "2027-06-01", "--end", "2027-03-01"], "The cohort must end after it starts"),
    ],
)
def test_create_cohort_refuses_bad_options_and_creates_nothing(db, options, message):
    with pytest.raises(CommandError, match=message):
        run("create_cohort", "new-program", "new-cohort", *options)

    assert not Program.objects.exists()
    assert not Cohort.objects.exists()


def test_create_cohort_refuses_a_slug_that_is_not_a_slug(db):
    with pytest.raises(CommandError, match="slug"):
        run("create_cohort", "not a slug!", "new-cohort")

    assert not Program.objects.exists()


def test_create_cohort_refuses_a_format_that_contradicts_the_program(db):
    ProgramFactory(slug="leaders", format="one_to_one")

    with pytest.raises(CommandError, match="exists with the format one_to_one, not peer"):
        run("create_cohort", "leaders", "leaders-2027", "--format", "peer")

    assert not Cohort.objects.exists()


def test_imported_people_are_in_the_directory(spring_cohort, csv_file):
    run("import_participants", "spring-2027", csv_file(GOOD))

    ann = Person.objects.select_related("manager__user").get(user__email="ann@example.org")
    assert ann.manager.user.email == "lead@example.org"
