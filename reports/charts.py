"""What the report's charts and wide tables show, as plain data (no Django, no database).

A chart tells the truth when its value axis starts at zero (static/js/reports.js), a value
hidden by suppression is a gap labelled with what the table says ("fewer than K"), never a zero
or a point joined across, and a chart with nothing to draw is a sentence, not an empty grid.
Every chart has a table beside it with the same figures: that table is its text alternative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# A breakdown table has the figures as rows and at most this many groups as columns; more
# groups continue in a second table below (nothing is merged, so no "others" column hides a
# suppressed group's figure inside a sum).
MAX_GROUP_COLUMNS = 8


@dataclass(frozen=True)
class Chart:
    labels: list[str]
    values: list[int | float | None]  # None: a gap
    notes: list[str]  # per point: what a gap stands for ("fewer than 5"), else ""

    @property
    def empty(self) -> bool:
        """Nothing to draw: no points, or every point a gap."""
        return all(value is None for value in self.values)

    def as_json(self) -> dict:
        return {"labels": self.labels, "values": self.values, "notes": self.notes}


def chart(points: Sequence[tuple[str, int | float | str]]) -> Chart:
    """Points as every output shows them: a number, or the text that stands for a hidden one."""
    values = [None if isinstance(value, str) else value for _, value in points]
    notes = [value if isinstance(value, str) else "" for _, value in points]
    return Chart([str(label) for label, _ in points], values, notes)


@dataclass(frozen=True)
class PivotTable:
    columns: list[str]  # group labels
    rows: list[tuple[str, list[str]]]  # (figure label, one cell per column)


def pivot(
    groups: Sequence[tuple[str, Sequence[str]]],
    figures: Sequence[str],
    *,
    max_columns: int = MAX_GROUP_COLUMNS,
) -> list[PivotTable]:
    """Groups (label, one cell per figure) turned to figures as rows, groups as columns, split
    into tables of at most `max_columns` groups."""
    tables = []
    for start in range(0, len(groups), max_columns):
        chunk = groups[start : start + max_columns]
        rows = [(figure, [cells[i] for _, cells in chunk]) for i, figure in enumerate(figures)]
        tables.append(PivotTable([label for label, _ in chunk], rows))
    return tables
