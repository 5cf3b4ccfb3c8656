from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from programs.importing import MAX_BYTES, ImportReport, cohort_import_participants
from programs.models import Cohort


class Command(BaseCommand):
    help = (
        "Import participants into a cohort from a CSV file (one row per person). All or "
        "nothing: any error means nothing is written. Exits 1 on errors."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("cohort_slug")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )

    def handle(self, *args: object, cohort_slug: str, file: Path, **options: object) -> None:
        cohort = Cohort.objects.select_related("program").filter(slug=cohort_slug).first()
        if cohort is None:
            raise CommandError(f"There is no cohort with the slug “{cohort_slug}”.")
        try:
            with file.open("rb") as handle:
                # One byte over the limit is enough for the import to refuse the file, without
                # reading all of a huge one into memory.
                data = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}.") from exc

        dry_run = bool(options["dry_run"])
        report = cohort_import_participants(cohort=cohort, data=data, dry_run=dry_run)
        self._print(report)
        if not report.ok:
            raise CommandError(f"Nothing was imported: {report.error_count} error(s).")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported into {cohort}."))

    def _print(self, report: ImportReport) -> None:
        for message in report.file_errors:
            self.stderr.write(f"file: {message}")
        for row in report.rows:
            for error in row.errors:
                where = f"line {row.line}, {error.column}" if error.column else f"line {row.line}"
                self.stderr.write(f"{where}: {error.message}")
        self.stdout.write(report.summary)
