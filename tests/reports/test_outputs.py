"""Every output (page, CSV, XLSX, JSON, command) shows the same figures and the same
suppression, and none carries anything a pair wrote."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.reports.conftest import SENTINEL


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def page(client: Client, **params) -> str:
    response = client.get(reverse("reports:participation"), params)
    assert response.status_code == 200
    return response.content.decode()


def report_csv(client: Client, **params) -> list[list[str]]:
    response = client.get(reverse("reports:report_export", args=["csv"]), params)
    assert response.status_code == 200
    assert response.streaming
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def xlsx_rows(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def report_xlsx(client: Client, **params) -> list[list]:
    response = client.get(reverse("reports:report_export", args=["xlsx"]), params)
    assert response.status_code == 200
    return xlsx_rows(response)


def command(*args: str) -> str:
    out = io.StringIO()
    call_command("participation_report", *args, stdout=out)
    return out.getvalue()


def overall(rows: list, figure: str):
    return next(row[3] for row in rows if row[0] == "overall" and row[2] == figure)


def same(cell, text: str) -> bool:
    """An XLSX cell (numbers stay numbers, empty is None) against the CSV's text."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return float(text) == cell
    return ("" if cell is None else str(cell)) == text


def summary_cell(html: str, key: str) -> str:
    marker = f'data-figure="{key}"'
    start = html.index(marker)
    opening = '<td class="text-end text-nowrap">'
    cell = html[html.index(opening, start) :]
    return cell[len(opening) : cell.index("</td>")].strip()


# --- Suppression at K-1 and K ----------------------------------------------------------------

# Five mentees are enrolled in the fixture: K = 5 shows the figure, K = 6 hides it.


@pytest.mark.parametrize(("k", "expected"), [(5, "5"), (6, "fewer than 6")])
def test_suppression_threshold_is_the_same_in_every_output(org, settings, tmp_path, k, expected):
    settings.REPORTS_MIN_GROUP_SIZE = k
    hr = client_for(org["hr"])
    label = "Mentees enrolled"
    assert summary_cell(page(hr), "mentees_enrolled") == expected
    assert overall(report_csv(hr), label) == expected
    assert str(overall(report_xlsx(hr), label)) == expected
    assert json.loads(command("--format", "json"))["overall"]["mentees_enrolled"] == (
        5 if k == 5 else expected
    )
    assert overall(list(csv.reader(io.StringIO(command()))), label) == expected
    out = tmp_path / "report.xlsx"
    command("--format", "xlsx", "--out", str(out))
    rows = [list(r) for r in load_workbook(out, read_only=True).active.iter_rows(values_only=True)]
    assert str(overall(rows, label)) == expected


@pytest.mark.parametrize(("k", "shown"), [(2, True), (3, False)])
def test_breakdown_rows_are_suppressed_at_k(org, settings, k, shown):
    """Sales has two mentees enrolled (E3, E4)."""
    settings.REPORTS_MIN_GROUP_SIZE = k
    rows = report_csv(client_for(org["hr"]))
    sales = next(row[3] for row in rows if row[:3] == ["department", "Sales", "Mentees enrolled"])
    assert sales == ("2" if shown else f"fewer than {k}")


def test_small_groups_are_not_named_in_the_session_list(org, settings):
    settings.REPORTS_MIN_GROUP_SIZE = 3
    response = client_for(org["hr"]).get(reverse("reports:sessions_export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "date",
        "duration_minutes",
        "format",
        "program",
        "cohort",
        "department",
        "seniority_band",
    ]
    body = rows[1:]
    assert len(body) == 6
    # Four mentees met: the program and cohort have enough; Eng (E1, E2) and Sales (E3, E4)
    # and each band do not.
    assert {row[3] for row in body} == {"Ours"}
    assert {row[5] for row in body} == {"fewer than 3"}
    settings.REPORTS_MIN_GROUP_SIZE = 2
    response = client_for(org["hr"]).get(reverse("reports:sessions_export", args=["xlsx"]))
    rows = xlsx_rows(response)
    assert len(rows) == 7
    assert {row[5] for row in rows[1:]} == {"Eng", "Sales"}
    assert sum(row[1] for row in rows[1:]) == 420


# --- The same figures everywhere --------------------------------------------------------------


def test_page_csv_xlsx_and_command_agree(org, settings):
    settings.REPORTS_MIN_GROUP_SIZE = 2
    hr = client_for(org["hr"])
    html = page(hr, department="Eng")
    from_csv = report_csv(hr, department="Eng")
    from_xlsx = report_xlsx(hr, department="Eng")
    from_command = list(csv.reader(io.StringIO(command("--department", "Eng"))))
    assert from_csv == from_command
    assert len(from_xlsx) == len(from_csv)
    for in_xlsx, in_csv in zip(from_xlsx, from_csv, strict=True):
        assert [same(a, b) for a, b in zip(in_xlsx, in_csv, strict=True)] == [True] * 4
    assert overall(from_csv, "Average session rating (1 to 5)") == "3.7"
    assert summary_cell(html, "average_rating") == "3.7"
    assert summary_cell(html, "hours") == "5.0"


def test_coordinator_report_covers_their_programs_only(org, other_coordinator, settings):
    settings.REPORTS_MIN_GROUP_SIZE = 1
    ours = report_csv(client_for(org["coordinator"]))
    theirs = report_csv(client_for(other_coordinator))
    hr = report_csv(client_for(org["hr"]))
    assert overall(ours, "Mentees enrolled") == "5"
    assert overall(theirs, "Mentees enrolled") == "3"
    assert overall(hr, "Mentees enrolled") == "8"
    # Another program's cohort is not a choice: the filter is invalid, not a peek.
    response = client_for(other_coordinator).get(
        reverse("reports:report_export", args=["csv"]), {"cohort": org["cohort"].slug}
    )
    assert response.status_code == 400


def test_pair_list_is_activity_only_for_the_coordinator(org, other_coordinator):
    response = client_for(org["coordinator"]).get(reverse("reports:pairs_export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "pair_id",
        "program",
        "cohort",
        "status",
        "sessions",
        "last_session",
        "goals_set",
        "goals_achieved",
        "average_rating",
    ]
    by_pair = {int(row[0]): row for row in rows[1:]}
    p1 = by_pair[org["pairs"]["P1"].pk]
    assert p1[3:] == ["active", "3", "2027-06-20", "2", "1", "4.5"]
    assert len(by_pair) == 3
    theirs = client_for(other_coordinator).get(reverse("reports:pairs_export", args=["xlsx"]))
    assert xlsx_rows(theirs)[1:] == []
    assert (
        client_for(org["hr"]).get(reverse("reports:pairs_export", args=["csv"])).status_code == 404
    )


# --- No content, ever -------------------------------------------------------------------------


def every_output(client: Client) -> list[str]:
    bodies = []
    for params in ({}, {"department": "Eng"}, {"program": "ours"}):
        response = client.get(reverse("reports:participation"), params)
        bodies.append(response.content.decode())
        for name in ("reports:report_export", "reports:sessions_export", "reports:pairs_export"):
            for fmt in ("csv", "xlsx"):
                response = client.get(reverse(name, args=[fmt]), params)
                if response.status_code != 200:
                    continue
                content = b"".join(response.streaming_content)
                if fmt == "xlsx":
                    bodies.append(repr(xlsx_rows_from(content)))
                else:
                    bodies.append(content.decode())
    return bodies


def xlsx_rows_from(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


@pytest.mark.parametrize("k", [1, 5])
def test_no_pair_content_in_any_report_output_for_any_role(org, other_coordinator, settings, k):
    settings.REPORTS_MIN_GROUP_SIZE = k
    people = org["people"]
    readers = [
        org["hr"],
        org["coordinator"],
        other_coordinator,
        people["M1"].user,
        people["E1"].user,
        None,
    ]
    for reader in readers:
        for body in every_output(client_for(reader)):
            assert SENTINEL not in body
    outputs = [command(), command("--format", "json"), command("--department", "Eng")]
    for output in outputs:
        assert SENTINEL not in output


# --- Fixed cost -------------------------------------------------------------------------------


def test_report_page_costs_the_same_queries_at_two_sizes(org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.reports.bulk import add_pairs

    hr = client_for(org["hr"])
    hr.get(reverse("reports:participation"))  # warm the session
    cache.clear()  # the figures computed, not served from the cache (reports.figure_cache)
    with CaptureQueriesContext(connection) as small:
        page(hr)
    add_pairs(org["cohort"], 60)
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        html = page(hr)
    assert len(small) == len(large)
    assert summary_cell(html, "sessions") == "126"  # 6 + 60 pairs x 2


def main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


@pytest.mark.postgres  # the data version's triggers; elsewhere nothing is cached
@pytest.mark.django_db(transaction=True)
def test_a_cached_report_page_costs_a_few_queries_and_a_write_shows_at_once(org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.reports.bulk import add_pairs

    hr = client_for(org["hr"])
    with CaptureQueriesContext(connection) as computed:
        before = main(page(hr))
    with CaptureQueriesContext(connection) as cached:
        assert main(page(hr)) == before
    print([q["sql"][:100] for q in cached.captured_queries])
    assert len(cached) <= 9 < len(computed)
    add_pairs(org["cohort"], 60)  # bulk_create: no signal, the triggers raise the version
    assert summary_cell(page(hr), "sessions") == "126"


def test_exported_cells_never_become_spreadsheet_formulas():
    import io

    from openpyxl import load_workbook

    from reports.exports import csv_lines, xlsx_file

    rows = [("department", "count"), ('=HYPERLINK("http://x")', 5), ("-1+1", "-50")]
    text = "".join(csv_lines(rows))
    assert "'=HYPERLINK" in text and "'-1+1" in text and ",-50" in text
    sheet = load_workbook(io.BytesIO(xlsx_file(rows, title="t").read())).active
    cells = [cell.value for row in sheet.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://x")' in cells and "-50" in cells
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_filtering_the_session_list_down_to_a_small_group_gives_no_rows(org, settings):
    settings.REPORTS_MIN_GROUP_SIZE = 3  # Sales has two mentees who met
    url = reverse("reports:sessions_export", args=["csv"])
    response = client_for(org["hr"]).get(url, {"department": "Sales"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    from reports.exports import SESSION_HEADER

    assert rows == [list(SESSION_HEADER)]
    settings.REPORTS_MIN_GROUP_SIZE = 2
    response = client_for(org["hr"]).get(url, {"department": "Sales"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) > 1


# --- Languages --------------------------------------------------------------------------------

GERMAN = {
    "export column\x04section": "Abschnitt",
    "export column\x04pair_id": "Paar-ID",
    "report filter\x04Program": "Programm",
    "report filter\x04All": "Alle",
}


@pytest.fixture
def german():
    """A few of the report's words in German for the length of a test, whether or not the
    shipped catalogue holds them yet."""
    from django.utils import translation
    from django.utils.translation import trans_real

    catalog = trans_real.translation("de")._catalog._catalogs[0]
    saved = {key: catalog[key] for key in GERMAN if key in catalog}
    catalog.update(GERMAN)
    yield
    for key in GERMAN:
        catalog.pop(key, None)
    catalog.update(saved)
    # A request in German leaves German active in this thread for the tests after this one.
    translation.deactivate()


def test_downloads_follow_the_readers_language_and_the_command_and_json_keys_stay_english(
    org, settings, german
):
    from django.utils import translation

    settings.REPORTS_MIN_GROUP_SIZE = 1
    # The command, as a script runs it: no language active, English headings and filters.
    from_command = list(csv.reader(io.StringIO(command())))
    assert from_command[0] == ["section", "group", "figure", "value"]
    assert from_command[1][:2] == ["filter", "Program"]
    # Even with a language active, the JSON keys are the stable English ones.
    with translation.override("de"):
        data = json.loads(command("--format", "json"))
    assert data["filters"]["Program"] == "All"
    assert "mentees_enrolled" in data["overall"]
    # A reader in German gets German headings in the downloads.
    hr = client_for(org["hr"])
    response = hr.get(reverse("reports:report_export", args=["csv"]), HTTP_ACCEPT_LANGUAGE="de")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "Abschnitt"
    assert rows[1][:2] == ["filter", "Programm"] and rows[1][3] == "Alle"
    coordinator = client_for(org["coordinator"])
    response = coordinator.get(
        reverse("reports:pairs_export", args=["xlsx"]), HTTP_ACCEPT_LANGUAGE="de"
    )
    assert xlsx_rows(response)[0][0] == "Paar-ID"
