"""Charts that tell the truth: gaps for hidden figures, a sentence instead of an empty grid,
breakdown tables no wider than about ten columns. The axes from zero and the gap labels are
drawn by static/js/reports.js: tests/browser/test_reports.py looks at the drawn charts."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from programs.models import Enrolment
from reports.charts import MAX_GROUP_COLUMNS, chart, pivot
from tests.factories import PersonFactory, UserFactory


def test_a_hidden_value_is_a_gap_with_the_table_s_words():
    drawn = chart([("2027-03", 12), ("2027-04", "fewer than 5"), ("2027-05", 0)])
    assert drawn.values == [12, None, 0]
    assert drawn.notes == ["", "fewer than 5", ""]
    assert not drawn.empty


def test_a_chart_of_gaps_only_or_of_nothing_is_empty():
    assert chart([("Completed", "fewer than 5"), ("No time", "fewer than 5")]).empty
    assert chart([]).empty
    assert not chart([("Completed", 0)]).empty  # a real zero is a figure


def test_pivot_puts_figures_in_rows_and_at_most_eight_groups_in_a_table():
    groups = [(f"D{i}", [str(i), str(i * 2)]) for i in range(11)]
    tables = pivot(groups, ["Mentees", "Sessions"])
    assert [len(t.columns) for t in tables] == [MAX_GROUP_COLUMNS, 3]
    assert tables[0].rows[1] == ("Sessions", [str(i * 2) for i in range(8)])
    assert tables[1].columns == ["D8", "D9", "D10"]


def page(user, **params) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("reports:participation"), params)
    assert response.status_code == 200
    return response.content.decode()


def widest_table(html: str) -> int:
    widths = []
    for table in re.findall(r"<table.*?</table>", html, flags=re.S):
        for row in re.findall(r"<tr.*?</tr>", table, flags=re.S):
            widths.append(len(re.findall(r"<t[hd][ >]", row)))
    return max(widths)


def test_outcomes_all_hidden_show_a_sentence_not_an_empty_grid(org, settings):
    settings.REPORTS_MIN_GROUP_SIZE = 5  # every outcome has one or two mentees behind it
    html = page(org["hr"])
    assert 'id="outcomes-empty"' in html
    assert 'id="chart-outcomes"' not in html
    assert "Nothing to draw" in html
    assert 'id="outcomes-table"' in html  # the figures, as they may be read, stay


def test_no_sessions_in_the_range_is_a_sentence(org, settings):
    settings.REPORTS_MIN_GROUP_SIZE = 2
    html = page(org["hr"], since="2027-01", until="2027-02")
    assert 'id="trend-empty"' in html
    assert "No sessions in this range." in html
    assert 'id="chart-trend"' not in html


def test_charts_with_figures_are_drawn_and_carry_the_gaps(org, settings):
    settings.REPORTS_MIN_GROUP_SIZE = 2
    html = page(org["hr"])
    assert 'id="chart-outcomes"' in html and 'id="outcomes-empty"' not in html
    data = re.search(r'id="report-chart-data"[^>]*>(.*?)</script>', html, re.S).group(1)
    import json

    outcomes = json.loads(data)["outcomes"]
    assert outcomes["values"][0] is None  # completed: one mentee behind it
    assert outcomes["notes"][0] == "fewer than 2"
    assert outcomes["values"][outcomes["labels"].index("Closed early: No time")] == 1


@pytest.mark.parametrize("departments", [2, 12])
def test_no_table_on_the_page_is_wider_than_ten_columns(org, settings, departments):
    settings.REPORTS_MIN_GROUP_SIZE = 2
    for i in range(departments):
        for j in range(2):
            Enrolment.objects.create(
                cohort=org["cohort"],
                person=PersonFactory(
                    user=UserFactory(email=f"d{i}-{j}@example.org"), department=f"Dept {i}"
                ),
                role="mentee",
                status="approved",
            )
    html = page(org["hr"])
    assert widest_table(html) <= 10
    assert "Dept 11" in html if departments == 12 else "Dept 1" in html
