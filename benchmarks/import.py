"""Benchmark of the participant import on a fresh, throwaway database.

    .venv/bin/python benchmarks/import.py [--rows 10000] [--seed 0]

The database is the one DATABASE_URL names (SQLite when unset), but the benchmark never
touches it: it creates its own for the run, migrates it and drops it at the end (on
PostgreSQL a database called mentoring_bench_import on the same server; on SQLite a
temporary file). It imports a synthetic organisation three times and prints rows per second:
all new, all unchanged, and with one row in ten changed. The target is 1,000 rows/s on
PostgreSQL. Then it previews a file of 5,000 people who form one reporting cycle and prints
the time and the size of the rendered preview page (the target: well under 1 MB).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.people import FOCUS, STYLES, as_csv, synthetic_rows

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings.base")
# Base settings insist on a secret key unless DEBUG is on; nothing here is served.
os.environ.setdefault("DEBUG", "1")

BENCH_DATABASE = "mentoring_bench_import"


@contextmanager
def throwaway_database() -> Iterator[str]:
    from django.conf import settings
    from django.test.utils import setup_databases, teardown_databases

    database = settings.DATABASES["default"]
    # Updated in place: Django has already filled in the other TEST settings in this dict.
    test = database.setdefault("TEST", {})
    scratch = None
    if database["ENGINE"] == "django.db.backends.sqlite3":
        scratch = tempfile.mkdtemp(prefix="bench-import-")
        test["NAME"] = str(Path(scratch) / "bench.sqlite3")
    else:
        test["NAME"] = BENCH_DATABASE
    # Django's test-database machinery: it creates the database under the TEST name (dropping
    # a leftover from an interrupted run), migrates it and switches the connection to it.
    old_config = setup_databases(verbosity=0, interactive=False, serialized_aliases=[])
    try:
        yield test["NAME"]
    finally:
        teardown_databases(old_config, verbosity=0)
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


@contextmanager
def counting_queries() -> Iterator[list[int]]:
    from django.db import connection

    count = [0]

    def count_query(execute: Callable, sql: str, params: object, many: bool, context: object):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count_query):
        yield count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    # DEBUG keeps a log of every query's SQL; the app in production does not pay for that.
    settings.DEBUG = False

    with throwaway_database() as name:
        from programs.importing import cohort_import_participants
        from programs.models import Cohort, EnrolmentQuestion, Program

        print(f"{connection.vendor} database {name}, {args.rows:,} rows")
        program = Program.objects.create(name="Benchmark", slug="benchmark")
        for position, (slug, kind, choices, required) in enumerate(
            [
                ("focus", "single", FOCUS, True),
                ("meeting_style", "multiple", STYLES, False),
                ("confidence", "scale", [], False),
                ("goals", "text", [], False),
            ]
        ):
            EnrolmentQuestion.objects.create(
                program=program,
                slug=slug,
                text=slug,
                kind=kind,
                choices=choices,
                required=required,
                position=position,
            )
        cohort = Cohort.objects.create(program=program, name="Benchmark", slug="benchmark")

        rows = synthetic_rows(args.rows, args.seed)
        changed = [dict(row) for row in rows]
        for row in changed[::10]:
            row["department"] = "Changed"
        runs = [
            ("first import (all create)", as_csv(rows), False, "create", len(rows)),
            ("preview (dry run, all unchanged)", as_csv(rows), True, "unchanged", len(rows)),
            ("second import (all unchanged)", as_csv(rows), False, "unchanged", len(rows)),
            ("third import (10% changed)", as_csv(changed), False, "update", len(changed[::10])),
        ]
        for label, data, dry_run, action, expected in runs:
            with counting_queries() as queries:
                started = time.perf_counter()
                report = cohort_import_participants(
                    cohort=cohort, data=data, by=None, dry_run=dry_run
                )
                elapsed = time.perf_counter() - started
            if not report.ok or report.counts[action] != expected:
                sys.exit(f"{label}: unexpected result {report.counts} {report.file_errors}")
            print(
                f"  {label:<34} {elapsed:6.2f} s  {len(rows) / elapsed:8,.0f} rows/s  "
                f"{queries[0]:4} queries"
            )
        cycle_preview(cohort)


CYCLE = 5000


def cycle_preview(cohort) -> None:
    """A file whose people form one reporting cycle: every row is in error, and the preview
    must still name the cycle once and render a page of bounded size."""
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from programs.importing import cohort_import_participants
    from programs.models import ParticipantImport

    rows = synthetic_rows(CYCLE, 1)
    for i, row in enumerate(rows):
        row["email"] = f"cycle{i:06d}@bench.example.org"
        row["manager_email"] = f"cycle{(i + 1) % CYCLE:06d}@bench.example.org"
    data = as_csv(rows)
    started = time.perf_counter()
    report = cohort_import_participants(cohort=cohort, data=data, by=None, dry_run=True)
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    page = render_to_string(
        "programs/import_preview.html",
        {
            "cohort": cohort,
            "pending": ParticipantImport(cohort=cohort, filename="cycle.csv"),
            "report": report,
        },
        request=request,
    )
    elapsed = time.perf_counter() - started
    size = len(page.encode())
    print(
        f"  {f'preview of a {CYCLE:,}-person cycle':<34} {elapsed:6.2f} s  "
        f"{len(data) / 1024:6,.0f} KB file  {size / 1024:6,.0f} KB page"
    )


if __name__ == "__main__":
    main()
