from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from programs.models import Cohort, Format, Program
from programs.services import cohort_create, program_create


def _title(slug: str) -> str:
    return slug.replace("-", " ").replace("_", " ").strip().title()


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} must be a date as YYYY-MM-DD, not “{value}”.") from None


def _messages(exc: ValidationError) -> str:
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    return " ".join(
        " ".join(errors) if name == NON_FIELD_ERRORS else f"{name}: {' '.join(errors)}"
        for name, errors in exc.message_dict.items()
    )


class Command(BaseCommand):
    help = (
        "Create a cohort, and its program when there is none with that slug yet (with the "
        "program's defaults). Exits 1 if the cohort exists."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("program_slug")
        parser.add_argument("cohort_slug")
        parser.add_argument(
            "--format",
            help=f"For a new program: {', '.join(Format.values)} (default {Format.ONE_TO_ONE}).",
        )
        parser.add_argument("--program-name", help="For a new program; default: the slug, titled.")
        parser.add_argument("--cohort-name", help="Default: the cohort slug, titled.")
        parser.add_argument("--start", help="First day, YYYY-MM-DD.")
        parser.add_argument("--end", help="Last day, YYYY-MM-DD.")

    def handle(self, *args: object, program_slug: str, cohort_slug: str, **options: str) -> None:
        # Checked by hand rather than with argparse's choices: a bad value must exit 1 with a
        # message, like every other mistake here, not 2 with a usage line.
        chosen_format = options["format"]
        if chosen_format is not None and chosen_format not in Format.values:
            raise CommandError(
                f"Unknown format “{chosen_format}”: use one of {', '.join(Format.values)}."
            )
        start, end = _date(options["start"], "--start"), _date(options["end"], "--end")
        existing = Cohort.objects.select_related("program").filter(slug=cohort_slug).first()
        if existing is not None:
            raise CommandError(
                f"A cohort with the slug “{cohort_slug}” already exists (in {existing.program})."
            )
        program = Program.objects.filter(slug=program_slug).first()
        if program is not None and chosen_format not in (None, program.format):
            raise CommandError(
                f"The program “{program_slug}” exists with the format {program.format}, "
                f"not {chosen_format}."
            )
        try:
            # One transaction: a cohort that fails validation must not leave a new program.
            with transaction.atomic():
                created_program = program is None
                if program is None:
                    program = program_create(
                        name=options["program_name"] or _title(program_slug),
                        slug=program_slug,
                        format=chosen_format or Format.ONE_TO_ONE,
                    )
                cohort = cohort_create(
                    program=program,
                    name=options["cohort_name"] or _title(cohort_slug),
                    slug=cohort_slug,
                    start_date=start,
                    end_date=end,
                )
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from exc
        if created_program:
            self.stdout.write(f"Created the program {program} ({program.slug}).")
        self.stdout.write(self.style.SUCCESS(f"Created the cohort {cohort} ({cohort.slug})."))
