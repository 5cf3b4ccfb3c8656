"""An HR viewer filters the report by department, sees charts and tables, and downloads the
report as CSV and XLSX holding the figures the page shows."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

# The hand-computed organisation and its frozen clock, shared with tests/reports.
from tests.reports.conftest import frozen, org  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_viewer_filters_by_department_and_downloads_the_same_figures(
    page,
    org,  # noqa: F811 - the imported fixture
    settings,
    sign_in,
):
    settings.REPORTS_MIN_GROUP_SIZE = 2
    sign_in(page, org["hr"])
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Participation report")).to_be_visible()

    page.get_by_label("Department", exact=True).select_option("Eng")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("Department: Eng")).to_be_visible()

    summary = {}
    for row in page.locator("#summary tbody tr").all():
        summary[row.locator("th").inner_text().strip()] = row.locator("td").inner_text().strip()
    assert summary["Sessions logged"] == "4"
    assert summary["Hours of mentoring"] == "5.0"
    assert summary["Applications pending"] == "fewer than 2"

    for name in ("trend", "matched", "funnel"):
        drawn = page.evaluate(
            "(id) => !!window.Chart.getChart(document.getElementById(id))", f"chart-{name}"
        )
        assert drawn, f"{name} chart not drawn"
        expect(page.locator(f"#{name}-table")).to_be_visible()
    # Every Eng outcome stands for one mentee: a sentence and the table, no empty grid.
    expect(page.locator("#outcomes-empty")).to_be_visible()
    expect(page.locator("#outcomes-table")).to_be_visible()
    expect(page.locator("#by-department")).to_contain_text("Eng")

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Report CSV").click()
    with open(csv_download.value.path(), encoding="utf-8") as downloaded:
        text = downloaded.read()
    rows = list(csv.reader(io.StringIO(text)))
    from_csv = {row[2]: row[3] for row in rows if row[0] == "overall"}
    assert from_csv == summary

    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Report XLSX").click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    with open(xlsx_download.value.path(), "rb") as downloaded:
        sheet = load_workbook(io.BytesIO(downloaded.read()), read_only=True).active
    from_xlsx = {row[2]: row[3] for row in sheet.iter_rows(values_only=True) if row[0] == "overall"}
    assert from_xlsx.keys() == summary.keys()
    for label, shown in summary.items():
        value = from_xlsx[label]
        assert (float(shown) == value) if isinstance(value, int | float) else value == shown


def test_hr_viewer_picks_months_and_sees_why_a_figure_is_not_for_that_range(
    page,
    org,  # noqa: F811 - the imported fixture
    settings,
    sign_in,
    tmp_path,
):
    settings.REPORTS_MIN_GROUP_SIZE = 2
    sign_in(page, org["hr"])
    page.goto("/reports/")
    page.get_by_label("From (month)").select_option(label="June 2027")
    page.get_by_label("To (month)").select_option(label="June 2027")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("From: 2027-06")).to_be_visible()

    summary = page.locator("#summary")
    expect(summary.locator('[data-figure="pairs_closed_early"] td')).to_have_text("1")
    # March to June is one period of the sessions (one mentee per department until June).
    expect(summary.locator('[data-figure="sessions"] td')).to_have_text("not for this range")
    page.get_by_role("link", name="why").click()
    expect(page.locator("#ranges")).to_contain_text("Ranges are whole months")
    page.screenshot(path=tmp_path / "report-june.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/reports/?since=2027-06&until=2027-06")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=tmp_path / "report-june-390.png", full_page=True)


def test_charts_start_at_zero_and_label_hidden_values(
    page,
    org,  # noqa: F811 - the imported fixture
    settings,
    sign_in,
):
    settings.REPORTS_MIN_GROUP_SIZE = 2
    sign_in(page, org["hr"])
    page.goto("/reports/")
    axes = page.evaluate(
        """() => ["trend", "matched", "outcomes"].map((name) => {
            const chart = window.Chart.getChart(document.getElementById(`chart-${name}`));
            const axis = chart.options.indexAxis === "y" ? chart.scales.x : chart.scales.y;
            return [name, axis.min, chart.config.options.gapNotes];
        })"""
    )
    assert [(name, low) for name, low, _ in axes] == [("trend", 0), ("matched", 0), ("outcomes", 0)]
    # Pairs completed: one mentee behind it, a gap with the table's words.
    assert {name: notes for name, _, notes in axes}["outcomes"][0] == "fewer than 2"
    settings.REPORTS_MIN_GROUP_SIZE = 5
    page.goto("/reports/")
    expect(page.locator("#outcomes-empty")).to_contain_text("Nothing to draw")
    expect(page.locator("#chart-outcomes")).to_have_count(0)
