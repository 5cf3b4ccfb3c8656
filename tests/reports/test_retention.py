"""12-month retention and grade changes against a hand-computed organisation (K = 5).

Clock: 2027-06-30. "Ours" had a cohort start on 2026-01-15: its year ran to 2027-01-15.

    participants  P0..P9   Eng, seniority 2, graded   P0 left 2026-08-01 (in the year)
                                                       P1, P2, P3 changed grade in the year;
                                                       P4 changed grade on 2027-02-01 (after)
    similar       S0..S19  Eng, seniority 3           S0..S5 left in the year (2026-03..2026-12)
                                                       S0..S9 graded; S0 and S6 changed grade
    left out      L        Eng, seniority 1: left 2025-12-01, before the start
                  X        Sales, seniority 2: no participant is in Sales
                  N        Eng, seniority 5: another band
                  R        in a cohort that started 2027-01-01: not a year yet

    retention     participants 9 of 10 = 90 %; similar colleagues 14 of 20 = 70 %
    grade change  participants 3 of 10 = 30 %; similar colleagues (graded) 2 of 10 = 20 %
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command

from profiles.models import GradeChange
from programs.models import Enrolment
from reports.retention import (
    CAVEAT,
    Employee,
    outcome,
    retention_comparison,
    retention_figures,
    year_after,
)
from reports.selectors import ReportFilters
from tests.factories import CohortFactory, EnrolmentFactory, PersonFactory, ProgramFactory

K = 5
F5 = "fewer than 5"
START = dt.date(2026, 1, 15)
OURS = {
    "participants": 10,
    "retained": 90.0,
    "comparison": 20,
    "comparison_retained": 70.0,
    "grade_changed": 30.0,
    "comparison_grade_changed": 20.0,
}


def person(name: str, department: str = "Eng", seniority: int = 2, **fields):
    return PersonFactory(
        user__email=f"{name.lower()}@example.org",
        department=department,
        seniority=seniority,
        **fields,
    )


def took_part(cohort, who, status=Enrolment.Status.APPROVED):
    return EnrolmentFactory(cohort=cohort, person=who, status=status)


def changed(who, on: dt.date) -> None:
    GradeChange.objects.create(person=who, before="G1", after="G2", changed_on=on)


@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime(2027, 6, 30, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def company(db, clock):
    ours = CohortFactory(program=ProgramFactory(name="Ours"), start_date=START)
    recent = CohortFactory(program=ours.program, start_date=dt.date(2027, 1, 1))
    participants = [
        person(f"P{n}", grade="G2", left_on=dt.date(2026, 8, 1) if n == 0 else None)
        for n in range(10)
    ]
    for p in participants:
        took_part(ours, p)
    for p in participants[1:4]:
        changed(p, dt.date(2026, 6, 1))
    changed(participants[4], dt.date(2027, 2, 1))
    similar = [
        person(
            f"S{n}",
            seniority=3,
            grade="G3" if n < 10 else "",
            left_on=dt.date(2026, 3 + n, 1) if n < 6 else None,
        )
        for n in range(20)
    ]
    changed(similar[0], dt.date(2026, 2, 1))
    changed(similar[6], dt.date(2027, 1, 14))
    person("L", seniority=1, left_on=dt.date(2025, 12, 1))
    person("X", department="Sales")
    person("N", seniority=5)
    took_part(recent, person("R"))
    return {"ours": ours, "participants": participants, "similar": similar}


def test_retention_and_grade_changes_match_the_hand_computation(company):
    result = retention_comparison(ReportFilters(), k=K)

    assert result.values(result.overall) == OURS
    by_program = {label: result.values(s) for label, s in result.breakdowns["program"]}
    assert by_program == {"Ours": OURS}
    assert result.not_compared_value() == F5  # nobody: a count under K shows as such


def test_someone_who_withdrew_took_part_and_is_no_similar_colleague(company):
    took_part(company["ours"], person("W"), Enrolment.Status.WITHDRAWN)

    result = retention_comparison(ReportFilters(), k=K)

    # W stayed and has no grade: 10 of 11 stayed; the twenty colleagues are unchanged.
    assert result.values(result.overall) == OURS | {"participants": 11, "retained": 90.9}


def test_a_small_program_is_hidden_with_enough_others_to_cover_it(company):
    tiny = CohortFactory(program=ProgramFactory(name="Tiny"), start_date=dt.date(2026, 3, 1))
    for p in company["participants"][:3]:
        took_part(tiny, p)

    result = retention_comparison(ReportFilters(), k=K)

    by_program = {label: result.values(s) for label, s in result.breakdowns["program"]}
    assert result.values(result.overall) == OURS
    # Tiny's three alone would show by subtraction; Ours is hidden with them (ten people).
    for key in ("participants", "retained", "grade_changed"):
        assert (by_program["Tiny"][key], by_program["Ours"][key]) == (F5, F5)
    # Their similar colleagues are the same twenty: enough to show.
    assert by_program["Tiny"]["comparison"] == 20


def test_a_comparison_group_under_k_is_hidden_while_the_participants_show(db, clock):
    cohort = CohortFactory(program=ProgramFactory(name="Sales"), start_date=START)
    for n in range(6):
        took_part(cohort, person(f"P{n}", department="Sales", seniority=4))
    for n in range(3):
        person(f"S{n}", department="Sales", seniority=6, left_on=dt.date(2026, 5, 1))

    result = retention_comparison(ReportFilters(), k=K)

    values = result.values(result.overall)
    assert (values["participants"], values["retained"]) == (6, 100.0)
    assert (values["comparison"], values["comparison_retained"]) == (F5, F5)


def test_the_department_and_program_filters_narrow_the_participants(company):
    assert retention_comparison(ReportFilters(department="Sales"), k=K).empty
    other = ProgramFactory(name="Other")
    assert retention_comparison(ReportFilters(program=other), k=K).empty
    mine = retention_comparison(ReportFilters(program=company["ours"].program), k=K)
    assert mine.values(mine.overall)["participants"] == 10


def test_the_comparison_takes_four_queries_whatever_the_size(
    company, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        retention_comparison(ReportFilters(), k=K)


# --- The outputs ------------------------------------------------------------------------------


def test_the_page_shows_the_figure_with_the_caveat_beside_it(company, client, make_user):
    hr = make_user(email="hr@example.org", is_hr_viewer=True)
    client.force_login(hr)

    page = client.get("/reports/").content.decode()

    section = page[page.index('id="retention-heading"') : page.index('id="retention-reading"')]
    assert "self-selection" in section and "not proof" in section
    assert section.index("retention-note") < section.index("chart-retention")
    assert "All programs: participants" in section and "90.0" in section
    assert "All programs: similar colleagues" in section and "70.0" in section


def test_the_exports_and_the_command_carry_the_figures_and_the_caveat(company, client, make_user):
    hr = make_user(email="hr@example.org", is_hr_viewer=True)
    client.force_login(hr)
    csv_text = b"".join(client.get("/reports/participation.csv").streaming_content).decode()
    assert "retention,All,Participants compared,10" in csv_text
    assert "retention by program,Ours,Similar non-participants still here" in csv_text
    assert "self-selection" in csv_text

    out = io.StringIO()
    call_command("participation_report", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())["retention"]
    assert data["overall"]["comparison_retained"] == 70.0
    assert data["by_program"]["Ours"]["retained"] == 90.0
    assert data["caveat"] == str(CAVEAT)


# --- Pure pieces ------------------------------------------------------------------------------


def test_a_year_after_the_29th_of_february_is_the_28th():
    assert year_after(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    assert year_after(dt.date(2026, 1, 15)) == dt.date(2027, 1, 15)


def test_leaving_on_the_anniversary_counts_as_staying_the_year():
    start = dt.date(2026, 1, 15)
    stayed = outcome(Employee(1, "Eng", 2, left_on=dt.date(2027, 1, 15)), start)
    left = outcome(Employee(2, "Eng", 2, left_on=dt.date(2027, 1, 14)), start)
    before = outcome(Employee(3, "Eng", 2, left_on=dt.date(2026, 1, 14)), start)
    assert (stayed.stayed, left.stayed, before) == (True, False, None)


def test_each_participant_is_compared_with_their_own_cell_and_weighted_equally():
    """Two cells: Eng juniors' colleagues all stay, Sales seniors' colleagues half do. One
    participant in each: the comparison is (100 + 50) / 2 = 75, not the pooled 2 of 3."""
    start = dt.date(2026, 1, 1)
    people = {1: Employee(1, "Eng", 2), 2: Employee(2, "Sales", 8)}
    others = [
        *(Employee(10 + n, "Eng", 3) for n in range(5)),
        Employee(20, "Sales", 9),
        Employee(21, "Sales", 7, left_on=dt.date(2026, 6, 1)),
    ]
    result = retention_figures(
        groups={"All": dict.fromkeys(people, start)}, people=people, others=others, k=1
    )
    assert result.values(result.overall)["comparison_retained"] == 75.0
    assert result.values(result.overall)["comparison"] == 7
