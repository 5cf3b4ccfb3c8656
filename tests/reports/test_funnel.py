"""The program funnel against the hand-computed organisation in conftest.py (K = 2).

    pair  formed  first session (days)  last session (days)  status
    P1    01-11   03-01 (49)            06-20 (160)          active      E1
    P2    01-21   03-02 (40)            04-15 (84)           completed   E3
    P3    01-31   06-15 (135)           06-15 (135)          closed      E2, E4

Ten people in the directory (Eng six, Sales four); mentees enrolled E1, E2, E5 (Eng), E3, E4
(Sales); mentors M1, M3 (Eng), M2 (Sales), each with the program's default capacity of one.
"""

from __future__ import annotations

from reports.funnel import program_funnel
from reports.selectors import ReportFilters

F2 = "fewer than 2"

OVERALL = {
    "eligible": 10,
    "enrolled": 5,
    "matched": 4,  # E1, E2, E3, E4
    "first_meeting": F2,  # nobody met within 30 days: 49, 40, 135
    "meeting_30": 4,
    "meeting_60": 4,
    "meeting_90": 3,  # P2's last session was on day 84: E1, E2, E4
    "completed": F2,  # E3 alone
    "median_days_to_match": 25.0,  # 10, 20, 30, 30
    "median_days_to_first_meeting": 92.0,  # per mentee 49, 40, 135, 135
    "capacity_used": 33.3,  # P1 is the one live pair, three places
}


def funnel(**kwargs):
    days = kwargs.pop("first_meeting_days", 30)
    return program_funnel(ReportFilters(**kwargs), k=2, first_meeting_days=days)


def test_overall_funnel_matches_the_hand_computation(org):
    result = funnel()
    assert result.values(result.overall) == OVERALL


def test_first_meeting_within_n_days_counts_the_days_asked_for(org):
    assert funnel(first_meeting_days=45).overall["first_meeting"].value == 1  # P2, day 40
    sixty = funnel(first_meeting_days=60)
    assert sixty.values(sixty.overall)["first_meeting"] == 2  # P2 and P1 (day 49)
    assert "60 days" in sixty.stages[3].label
    thirty = funnel(first_meeting_days=30)
    assert thirty.values(thirty.overall)["first_meeting"] == F2


def test_breakdowns_by_program_cohort_and_department(org):
    result = funnel()
    by = {
        dim: {label: result.values(s) for label, s in groups}
        for dim, groups in result.breakdowns.items()
    }
    assert by["program"] == {"Ours": OVERALL}
    assert by["cohort"] == {"Ours · 2027": OVERALL}
    eng, sales = by["department"]["Eng"], by["department"]["Sales"]
    assert (eng["eligible"], eng["enrolled"], eng["matched"]) == (6, 3, 2)
    assert (sales["eligible"], sales["enrolled"], sales["matched"]) == (4, 2, 2)
    assert (eng["meeting_60"], sales["meeting_60"]) == (2, 2)
    # Day 90: Sales has E4 alone, so Eng's two are hidden with it (else 3 - 2 gives E4).
    assert (eng["meeting_90"], sales["meeting_90"]) == (F2, F2)
    assert (eng["median_days_to_match"], sales["median_days_to_match"]) == (20.0, 25.0)
    assert (eng["median_days_to_first_meeting"], sales["median_days_to_first_meeting"]) == (
        92.0,  # E1 49, E2 135
        87.5,  # E3 40, E4 135
    )
    # One Sales mentor: Eng's capacity (one of two places) is hidden with it.
    assert (eng["capacity_used"], sales["capacity_used"]) == (F2, F2)


def test_department_filter_and_another_program(org, other_coordinator):
    sales = funnel(department="Sales")
    values = sales.values(sales.overall)
    assert (values["eligible"], values["enrolled"], values["matched"]) == (4, 2, 2)
    ours = funnel(program=org["program"], department="Eng")
    assert ours.values(ours.overall)["matched"] == 2  # E1, E2
    everyone = funnel()
    by_program = {label: everyone.values(s) for label, s in everyone.breakdowns["program"]}
    assert by_program["Theirs"]["enrolled"] == 3
    assert by_program["Theirs"]["matched"] == F2  # nobody: zero is hidden too
    assert everyone.values(everyone.overall)["eligible"] == 13


def test_funnel_costs_the_same_queries_at_two_sizes(org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.reports.bulk import add_pairs

    with CaptureQueriesContext(connection) as small:
        funnel()
    add_pairs(org["cohort"], 30)
    with CaptureQueriesContext(connection) as large:
        funnel()
    assert len(small) == len(large) == 6


# --- Every output carries the funnel ----------------------------------------------------------


def test_page_csv_json_and_xlsx_show_the_funnel(org, settings, tmp_path):
    import csv
    import io
    import json

    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from openpyxl import load_workbook

    settings.REPORTS_MIN_GROUP_SIZE = 2
    client = Client()
    client.force_login(org["hr"])
    html = client.get(reverse("reports:participation")).content.decode()
    assert 'id="funnel-table"' in html and 'id="chart-funnel"' in html
    assert 'id="funnel-by-department"' in html and 'id="funnel-by-cohort"' in html
    assert "Median days from match to first meeting" in html

    response = client.get(reverse("reports:report_export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    funnel_rows = {(r[0], r[1], r[2]): r[3] for r in rows if r[0].startswith("funnel")}
    assert funnel_rows["funnel", "All", "Still meeting at 90 days"] == "3"
    assert funnel_rows["funnel", "All", "Median days from match to first meeting"] == "92.0"
    assert funnel_rows["funnel by department", "Sales", "Still meeting at 90 days"] == F2
    assert funnel_rows["funnel by cohort", "Ours · 2027", "Matched"] == "4"

    out = io.StringIO()
    call_command(
        "participation_report", "--format", "json", "--first-meeting-days", "60", stdout=out
    )
    data = json.loads(out.getvalue())["funnel"]
    assert data["first_meeting_days"] == 60
    assert data["overall"] == OVERALL | {"first_meeting": 2}
    assert data["by_department"]["Eng"]["enrolled"] == 3

    target = tmp_path / "report.xlsx"
    call_command("participation_report", "--format", "xlsx", "--out", str(target))
    sheet = load_workbook(target, read_only=True).active
    cells = {(r[0], r[1], r[2]): r[3] for r in sheet.iter_rows(values_only=True)}
    assert cells["funnel", "All", "Mentor capacity used (%)"] == 33.3


def test_first_meeting_days_out_of_range_is_refused(org):
    import pytest
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="from 1 to 365"):
        call_command("participation_report", "--first-meeting-days", "0")
