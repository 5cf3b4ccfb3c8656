"""The HR columns of the import: `grade` (with its history) and `left_on`. A blank cell keeps
what is stored, `-` clears it, and a bad date is an error on its row that writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from profiles.models import GradeChange, Person
from programs.importing import cohort_import_participants
from tests.factories import CohortFactory, PersonFactory
from tests.programs.test_import import as_csv

COLUMNS = ["email", "first_name", "last_name", "department", "grade", "left_on"]


def hr_row(email: str, **values: str) -> dict[str, str]:
    return {"email": email, "first_name": "Hana", "last_name": "Example"} | values


def hr_import(cohort, *rows: dict[str, str], dry_run: bool = False):
    return cohort_import_participants(
        by=None, cohort=cohort, data=as_csv(list(rows), COLUMNS), dry_run=dry_run
    )


@pytest.fixture
def hr_cohort(db):
    return CohortFactory(slug="hr-columns")


@pytest.fixture
def hana(db):
    """Someone HR already graded, who has left."""
    return PersonFactory(
        user__email="hana@example.org",
        user__first_name="Hana",
        user__last_name="Example",
        department="Finance",
        grade="G5",
        left_on=dt.date(2027, 3, 31),
    )


def test_grade_and_leaving_date_are_imported(hr_cohort):
    report = hr_import(hr_cohort, hr_row("new@example.org", grade=" G7 ", left_on="2027-04-30"))

    assert report.ok and report.applied
    person = Person.objects.get(user__email="new@example.org")
    assert (person.grade, person.left_on) == ("G7", dt.date(2027, 4, 30))
    assert not GradeChange.objects.exists()  # a first grade is no change


def test_blank_cells_keep_the_grade_and_the_leaving_date(hr_cohort, hana):
    report = hr_import(hr_cohort, hr_row("hana@example.org", grade="", left_on=""))

    assert report.ok and report.rows[0].action == "unchanged"
    hana.refresh_from_db()
    assert (hana.grade, hana.left_on) == ("G5", dt.date(2027, 3, 31))


def test_a_dash_clears_the_grade_and_the_leaving_date_without_a_grade_change(hr_cohort, hana):
    report = hr_import(hr_cohort, hr_row("hana@example.org", grade="-", left_on="-"))

    assert report.ok
    changes = {c.field: (c.before_text, c.after_text) for c in report.rows[0].changes}
    assert changes == {"grade": ("G5", ""), "left_on": ("2027-03-31", "")}
    hana.refresh_from_db()
    assert (hana.grade, hana.left_on) == ("", None)
    assert not GradeChange.objects.exists()


def test_a_new_grade_is_kept_in_the_history_dated_the_day_of_the_import(hr_cohort, hana):
    with time_machine.travel(dt.datetime(2027, 5, 2, 9, tzinfo=dt.UTC), tick=False):
        preview = hr_import(hr_cohort, hr_row("hana@example.org", grade="G6"), dry_run=True)
        assert not GradeChange.objects.exists()
        hr_import(hr_cohort, hr_row("hana@example.org", grade="G6"))
        hr_import(hr_cohort, hr_row("hana@example.org", grade="G6"))  # the same again
    with time_machine.travel(dt.datetime(2027, 9, 1, 9, tzinfo=dt.UTC), tick=False):
        hr_import(hr_cohort, hr_row("hana@example.org", grade="G7"))

    assert [(c.field, c.before, c.after) for c in preview.rows[0].changes] == [
        ("grade", "G5", "G6")
    ]
    history = GradeChange.objects.filter(person=hana).values_list("before", "after", "changed_on")
    assert list(history) == [
        ("G5", "G6", dt.date(2027, 5, 2)),
        ("G6", "G7", dt.date(2027, 9, 1)),
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31/03/2027", "“31/03/2027” is not a date: write it as YYYY-MM-DD"),
        ("2027-02-30", "“2027-02-30” is not a date"),
        ("soon", "“soon” is not a date"),
        ("1899-12-31", "Pick a date between"),
    ],
)
def test_a_bad_leaving_date_is_an_error_on_its_row_and_nothing_is_written(
    hr_cohort, hana, value, message
):
    report = hr_import(
        hr_cohort,
        hr_row("hana@example.org", department="Sales", grade="G6"),
        hr_row("other@example.org", left_on=value),
    )

    assert not report.ok and not report.applied
    assert report.rows[0].errors == []
    bad = report.rows[1]
    assert (bad.line, bad.action, [e.column for e in bad.errors]) == (3, "error", ["left_on"])
    assert message in bad.errors[0].message
    hana.refresh_from_db()
    assert (hana.department, hana.grade) == ("Finance", "G5")
    assert not Person.objects.filter(user__email="other@example.org").exists()


def test_a_grade_longer_than_forty_characters_is_an_error(hr_cohort):
    report = hr_import(hr_cohort, hr_row("new@example.org", grade="G" * 41))

    assert [(e.column, e.message) for e in report.rows[0].errors] == [
        ("grade", "Too long: at most 40 characters, not 41.")
    ]
