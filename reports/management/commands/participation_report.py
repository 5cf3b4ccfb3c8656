"""The organisation-wide participation report, as on the HR page, for scripts.

    python manage.py participation_report [--program SLUG] [--cohort SLUG] [--department NAME]
        [--since YYYY-MM] [--until YYYY-MM] [--first-meeting-days N]
        [--format csv|xlsx|json] [--out FILE]

Same figures and the same small-group suppression as every other output; ranges are whole months,
from the first day of --since to the last day of --until (reports.periods says why). Bad
arguments: a message on stderr and exit status 2.
"""

from __future__ import annotations

import shutil

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.dateranges import calendar_date_error
from profiles.models import Person
from programs.models import Cohort, Program
from reports.exports import report_json, report_table, write_csv, xlsx_file
from reports.funnel import FIRST_MEETING_DAYS
from reports.periods import month_end, month_start, parse_month
from reports.selectors import ReportFilters, participation_report

BAD_ARGUMENTS = 2


def _month(name: str, value: str | None) -> int | None:
    if value is None:
        return None
    try:
        month = parse_month(value)
    except ValueError:
        raise CommandError(
            f"--{name} {value!r} is not a month; use YYYY-MM (ranges are whole months).",
            returncode=BAD_ARGUMENTS,
        ) from None
    if message := calendar_date_error(month_start(month)):
        raise CommandError(f"--{name} {value}: {message}", returncode=BAD_ARGUMENTS)
    return month


class Command(BaseCommand):
    help = "Print the participation report (aggregate figures only) as CSV, XLSX or JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--program", metavar="SLUG")
        parser.add_argument("--cohort", metavar="SLUG")
        parser.add_argument("--department", metavar="NAME")
        parser.add_argument("--since", metavar="YYYY-MM", help="From the first day of this month.")
        parser.add_argument("--until", metavar="YYYY-MM", help="To the last day of this month.")
        parser.add_argument(
            "--first-meeting-days",
            type=int,
            default=FIRST_MEETING_DAYS,
            metavar="N",
            help="The funnel's first meeting counts within N days of the match.",
        )
        parser.add_argument("--format", choices=["csv", "xlsx", "json"], default="csv")
        parser.add_argument("--out", metavar="FILE", help="Write here instead of standard output.")

    def handle(self, *args, **options) -> None:
        filters = self._filters(options)
        days = options["first_meeting_days"]
        if not 1 <= days <= 365:
            raise CommandError(
                "--first-meeting-days is a number of days from 1 to 365.", returncode=BAD_ARGUMENTS
            )
        report = participation_report(
            filters, k=settings.REPORTS_MIN_GROUP_SIZE, first_meeting_days=days
        )
        fmt, out = options["format"], options["out"]
        if fmt == "xlsx":
            if not out:
                raise CommandError(
                    "--format xlsx needs --out FILE (a workbook is not for a terminal).",
                    returncode=BAD_ARGUMENTS,
                )
            rows = report_table(report, text=False)
            with xlsx_file(rows, title="Participation") as workbook, open(out, "wb") as target:
                shutil.copyfileobj(workbook, target)
            return
        if out:
            with open(out, "w", newline="", encoding="utf-8") as target:
                self._write_text(report, fmt, target)
        else:
            self._write_text(report, fmt, _Raw(self.stdout))

    def _write_text(self, report, fmt: str, target) -> None:
        if fmt == "json":
            target.write(report_json(report) + "\n")
        else:
            write_csv(report_table(report, text=True), target)

    def _filters(self, options: dict) -> ReportFilters:
        program = cohort = None
        if options["program"]:
            program = Program.objects.filter(slug=options["program"]).first()
            if program is None:
                raise CommandError(
                    f"No program with the slug {options['program']!r}.", returncode=BAD_ARGUMENTS
                )
        if options["cohort"]:
            cohort = Cohort.objects.filter(slug=options["cohort"]).first()
            if cohort is None:
                raise CommandError(
                    f"No cohort with the slug {options['cohort']!r}.", returncode=BAD_ARGUMENTS
                )
            if program is not None and cohort.program_id != program.pk:
                raise CommandError(
                    f"The cohort {cohort.slug!r} is not in the program {program.slug!r}.",
                    returncode=BAD_ARGUMENTS,
                )
        department = options["department"]
        if department is not None and not Person.objects.filter(department=department).exists():
            raise CommandError(
                f"No one works in a department called {department!r}.", returncode=BAD_ARGUMENTS
            )
        since, until = _month("since", options["since"]), _month("until", options["until"])
        if since is not None and until is not None and until < since:
            raise CommandError("--until comes before --since.", returncode=BAD_ARGUMENTS)
        return ReportFilters(
            program=program,
            cohort=cohort,
            department=department,
            since=month_start(since) if since is not None else None,
            until=month_end(until) if until is not None else None,
        )


class _Raw:
    """csv.writer ends lines itself; OutputWrapper would add another newline."""

    def __init__(self, wrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")
