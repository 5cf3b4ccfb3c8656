from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from programs.importing import CLEAR, MAX_BYTES, ImportReport, cohort_import_participants
from programs.models import Cohort
from programs.services import enrolments_bulk_action


class Command(BaseCommand):
    help = (
        "Import participants into a cohort from a CSV file (one row per person). All or "
        f"nothing: any error means nothing is written. A blank cell keeps what is stored; "
        f"“{CLEAR}” clears it. Exits 1 on errors."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("cohort_slug")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would change; write nothing.",
        )
        then = parser.add_mutually_exclusive_group()
        then.add_argument(
            "--enrol",
            action="store_true",
            help="Then approve the file's enrolments (as a coordinator's “approve” does), so "
            "they can be matched without an invitation.",
        )
        then.add_argument(
            "--invite",
            action="store_true",
            help="Then send the invitation to the file's people who have not had one yet.",
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
        then = "approve" if options["enrol"] else "invite" if options["invite"] else None
        # The import and what follows it are one step: an approval that fails undoes the
        # import too, so running the same command again is always safe.
        with transaction.atomic():
            # The HR import: it writes every directory record, whoever the people are.
            report = cohort_import_participants(cohort=cohort, data=data, by=None, dry_run=dry_run)
            self._print(report, changes=dry_run or int(options["verbosity"]) > 1)
            if not report.ok:
                raise CommandError(f"Nothing was imported: {report.error_count} error(s).")
            if dry_run:
                self.stdout.write("Dry run: nothing was written.")
                return
            self.stdout.write(self.style.SUCCESS(f"Imported into {cohort}."))
            if then is not None:
                emails = [row.email for row in report.rows if row.role]
                ids = cohort.enrolments.filter(person__user__email__in=emails).values_list(
                    "pk", flat=True
                )
                result = enrolments_bulk_action(cohort=cohort, action=then, enrolment_ids=list(ids))
                for warning, message in result.messages():
                    self.stdout.write(self.style.WARNING(message) if warning else message)

    def _print(self, report: ImportReport, *, changes: bool) -> None:
        for message in report.file_errors:
            self.stderr.write(f"file: {message}")
        for row in report.rows:
            for error in row.errors:
                where = f"line {row.line}, {error.column}" if error.column else f"line {row.line}"
                self.stderr.write(f"{where}: {error.message}")
            if changes and row.action == "update":
                listed = "; ".join(
                    f"{c.field}: {c.before_text or '(empty)'} → {c.after_text or '(empty)'}"
                    for c in row.changes
                )
                self.stdout.write(f"line {row.line}, {row.email}: update: {listed}")
        self.stdout.write(report.summary)
