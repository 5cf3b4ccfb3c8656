"""The report and the activity lists as rows, and those rows as CSV, XLSX or JSON.

Every output goes through here, so the page, the downloads and the command show the same figures
with the same suppression. Lists are generators over `.iterator()`: memory stays flat however many
sessions there are (CSV streams to the client; XLSX goes through a write-only workbook in a
temporary file).
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy

from reports.figures import FIGURES, OFF_PERIOD, SUPPRESSED, band_of, display
from reports.funnel import ALL, Funnel
from reports.funnel import DIMENSIONS as FUNNEL_DIMENSIONS
from reports.pulse import DIMENSIONS as PULSE_DIMENSIONS
from reports.pulse import FIGURES as PULSE_FIGURES
from reports.pulse import SOURCE_FIGURES, Pulse
from reports.quality import quality_json, quality_rows
from reports.retention import retention_data, retention_rows
from reports.selectors import (
    DIMENSIONS,
    SESSION_DIMENSIONS,
    Report,
    ReportFilters,
    pair_rows,
    session_context,
    session_people,
    session_population,
    session_rows,
)

# The downloads' column headings, in the reader's language; the command has no active language
# and writes them in English, as before. (JSON keys are not these: they never change.)
COLUMN = "export column"
REPORT_HEADER = (
    pgettext_lazy(COLUMN, "section"),
    pgettext_lazy(COLUMN, "group"),
    pgettext_lazy(COLUMN, "figure"),
    pgettext_lazy(COLUMN, "value"),
)
SESSION_HEADER = (
    pgettext_lazy(COLUMN, "date"),
    pgettext_lazy(COLUMN, "duration_minutes"),
    pgettext_lazy(COLUMN, "format"),
    pgettext_lazy(COLUMN, "program"),
    pgettext_lazy(COLUMN, "cohort"),
    pgettext_lazy(COLUMN, "department"),
    pgettext_lazy(COLUMN, "seniority_band"),
)
PAIR_HEADER = (
    pgettext_lazy(COLUMN, "pair_id"),
    pgettext_lazy(COLUMN, "program"),
    pgettext_lazy(COLUMN, "cohort"),
    pgettext_lazy(COLUMN, "status"),
    pgettext_lazy(COLUMN, "sessions"),
    pgettext_lazy(COLUMN, "last_session"),
    pgettext_lazy(COLUMN, "goals_set"),
    pgettext_lazy(COLUMN, "goals_achieved"),
    pgettext_lazy(COLUMN, "average_rating"),
)
TREND_SECTION = "sessions per period"


def report_table(report: Report, *, text: bool) -> Iterator[tuple]:
    """The report as (section, group, figure, value) rows; with `text`, values as the page
    shows them, else numbers stay numbers (XLSX)."""
    yield _heading(REPORT_HEADER)
    for name, value in report.filters.describe():
        yield ("filter", name, "", value)
    yield ("filter", gettext("Minimum group size"), "", report.k)
    groups = [("overall", report.overall)] + [
        (dim, group) for dim in DIMENSIONS for group in report.breakdowns[dim]
    ]
    for section, group in groups:
        values = group.values(report.k)
        for figure in FIGURES:
            value = values[figure.key]
            shown_value = display(value, figure) if text else value
            yield (section, group.label, str(figure.label), shown_value)
    sessions_logged = gettext("Sessions logged")
    for period, value in report.trend_values():
        yield (TREND_SECTION, period, sessions_logged, str(value) if text else value)
    yield from funnel_rows(report.funnel, text=text)
    yield from pulse_rows(report.pulse, text=text)
    yield from retention_rows(report.retention, text=text)
    if report.validity is not None:
        for key, value in report.validity.values().items():
            yield ("match quality", ALL, key, "" if value is None else value)
        for label, stats in report.validity.by_source:
            values = report.validity.source_values(stats)
            for figure in SOURCE_FIGURES:
                value = values[figure.key]
                shown_value = display(value, figure) if text else value
                yield ("pulse by pair source", label, str(figure.label), shown_value)
    yield from quality_rows(report.quality)


def _heading(columns: tuple) -> tuple[str, ...]:
    """A header row as plain text (a spreadsheet cell takes no lazy translation)."""
    return tuple(str(column) for column in columns)


def funnel_rows(funnel: Funnel | None, *, text: bool) -> Iterator[tuple]:
    """The funnel as (section, group, figure, value) rows: "funnel" for the total, then
    "funnel by program" and so on."""
    if funnel is not None:
        yield from _grouped_rows("funnel", funnel, funnel.figures, FUNNEL_DIMENSIONS, text=text)


def pulse_rows(pulse: Pulse | None, *, text: bool) -> Iterator[tuple]:
    if pulse is not None:
        yield from _grouped_rows("pulse", pulse, PULSE_FIGURES, PULSE_DIMENSIONS, text=text)


def _grouped_rows(name: str, source, figures, dimensions, *, text: bool) -> Iterator[tuple]:
    groups = [(name, ALL, source.overall)] + [
        (f"{name} by {dim}", label, stats)
        for dim in dimensions
        for label, stats in source.breakdowns[dim]
    ]
    for section, label, stats in groups:
        values = source.values(stats)
        for figure in figures:
            value = values[figure.key]
            yield (section, label, str(figure.label), display(value, figure) if text else value)


def pulse_json(pulse: Pulse) -> dict:
    return {
        "figures": {figure.key: str(figure.label) for figure in PULSE_FIGURES},
        "overall": pulse.values(pulse.overall),
        **{
            f"by_{dim}": {label: pulse.values(stats) for label, stats in pulse.breakdowns[dim]}
            for dim in PULSE_DIMENSIONS
        },
    }


def funnel_json(funnel: Funnel) -> dict:
    return {
        "first_meeting_days": funnel.first_meeting_days,
        "figures": {figure.key: str(figure.label) for figure in funnel.figures},
        "overall": funnel.values(funnel.overall),
        **{
            f"by_{dim}": {label: funnel.values(stats) for label, stats in funnel.breakdowns[dim]}
            for dim in FUNNEL_DIMENSIONS
        },
    }


def report_data(report: Report) -> dict:
    """The report as plain data, suppression applied (the JSON export and the API)."""
    k = report.k

    def groups(dim: str) -> dict:
        return {group.label: group.values(k) for group in report.breakdowns[dim]}

    return {
        "filters": dict(report.filters.describe(localised=False)),
        "min_group_size": k,
        "suppressed_as": SUPPRESSED.format(k=k),
        "not_for_this_range_as": str(OFF_PERIOD),
        "figures": {figure.key: str(figure.label) for figure in FIGURES},
        "overall": report.overall.values(k),
        "by_department": groups("department"),
        "by_seniority": groups("seniority"),
        "sessions_per_period": [
            {"period": period, "sessions": value} for period, value in report.trend_values()
        ],
        "funnel": funnel_json(report.funnel) if report.funnel else None,
        "pulse": pulse_json(report.pulse) if report.pulse else None,
        "retention": retention_data(report.retention),
        "match_quality": report.validity
        and {
            **report.validity.values(),
            "by_pair_source": {
                label: report.validity.source_values(stats)
                for label, stats in report.validity.by_source
            },
        },
        "match_quality_by_outcome": quality_json(report.quality),
    }


def report_json(report: Report) -> str:
    return json.dumps(report_data(report), indent=2, ensure_ascii=False)


def session_table(filters: ReportFilters, *, k: int) -> Iterator[tuple]:
    """Session-level activity, labelled only where at least K mentees stand behind a label.

    Filters that narrow the list to fewer than K mentees give no rows at all (the filter itself
    would name the group). A label (program, cohort, department, band) behind fewer than K is
    "fewer than K"; so are all of a row's labels when the ones left, taken together, still
    point at fewer than K people."""
    hidden = SUPPRESSED.format(k=k)
    yield _heading(SESSION_HEADER)
    if session_population(filters) < k:
        return
    counts: dict[tuple[str, ...], dict[tuple, int]] = {}

    def people(dimensions: tuple[str, ...], values: tuple) -> int:
        if dimensions not in counts:
            counts[dimensions] = session_people(filters, dimensions)
        return counts[dimensions].get(values, 0)

    first_mentee, cohorts = session_context(filters)
    zone = timezone.get_current_timezone()
    for occurred_at, minutes, meeting_format, mentorship, cohort in session_rows(filters):
        department, seniority = first_mentee.get(mentorship, (None, None))
        values = (*cohorts[cohort], department, band_of(seniority))
        labels = dict(zip(SESSION_DIMENSIONS, values, strict=True))
        shown = tuple(d for d in SESSION_DIMENSIONS if people((d,), (labels[d],)) >= k)
        if len(shown) > 1 and people(shown, tuple(labels[d] for d in shown)) < k:
            shown = ()
        names = tuple(labels[d] if d in shown else hidden for d in SESSION_DIMENSIONS)
        yield (occurred_at.astimezone(zone).date().isoformat(), minutes, meeting_format, *names)


def pair_table(filters: ReportFilters) -> Iterator[tuple]:
    """Pair-level activity for coordinators: counts and dates, never what the pair wrote."""
    yield _heading(PAIR_HEADER)
    for pair in pair_rows(filters):
        last = pair.last_session_at
        rating = pair.average_rating
        yield (
            pair.pk,
            pair.cohort.program.name,
            pair.cohort.name,
            pair.status,
            pair.sessions_count,
            timezone.localdate(last).isoformat() if last else "",
            pair.goals_count,
            pair.goals_achieved,
            round(rating, 1) if rating is not None else "",
        )


# A cell a spreadsheet would read as a formula. Department names come from people's own
# profiles, so an export must never hand HR a live `=HYPERLINK(...)`.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _inert(row: tuple) -> tuple:
    """Quote text that a spreadsheet would evaluate; figures like "-50" (an NPS) stay."""
    return tuple(
        f"'{cell}"
        if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS) and not _is_number(cell)
        else cell
        for cell in row
    )


class _Echo:
    """csv.writer writes into this and hands back the line, for streaming."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[tuple]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow(_inert(row))


def write_csv(rows: Iterable[tuple], out: IO[str]) -> None:
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(_inert(row))


def xlsx_file(rows: Iterable[tuple], *, title: str) -> IO[bytes]:
    """A write-only workbook saved into a temporary file (deleted when closed), rewound."""
    # openpyxl is imported on the first download, not with the URLconf: every page's first
    # request in a fresh process would otherwise pay for it.
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title)
    for row in rows:
        sheet.append(_inert(row))
    # Handed to the caller open: FileResponse (or the command) closes it, which deletes it.
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    workbook.save(out)
    out.seek(0)
    return out
