"""Command-line flows in tests: a management command's output, and a people file to import."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.management import call_command

from benchmarks.people import as_csv, synthetic_rows


def run_command(*args: str) -> str:
    """What `manage.py ARGS` prints on standard output (its standard error is dropped)."""
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def people_file(folder: Path, rows: int, seed: int) -> Path:
    """A people CSV of `rows` synthetic mentors and mentees with managers, standard columns."""
    path = folder / "people.csv"
    path.write_bytes(as_csv(synthetic_rows(rows, seed=seed, questions=False)))
    return path
