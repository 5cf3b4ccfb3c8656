from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from programs.models import Cohort, Format, Program
from programs.services import cohort_create, flash_tables_set, program_create

# Options of a flash event (a cohort of a flash program): option -> FlashEvent field.
FLASH_OPTIONS = {
    "rounds": "rounds",
    "round_minutes": "round_minutes",
    "break_minutes": "break_minutes",
    "table_size": "table_size",
}


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
        flash = parser.add_argument_group(
            "flash events", "Only for a cohort of a flash program (default: 6 rounds of 10 min)."
        )
        flash.add_argument(
            "--starts-at",
            help="When the first round starts, YYYY-MM-DDTHH:MM (the site's time zone unless "
            "an offset is given).",
        )
        flash.add_argument("--rounds", type=int, help="Number of rounds (default 6).")
        flash.add_argument("--round-minutes", type=int, help="Minutes per round (default 10).")
        flash.add_argument("--break-minutes", type=int, help="Minutes between rounds (default 2).")
        flash.add_argument("--table-size", type=int, help="Mentees per mentor at once (default 1).")
        flash.add_argument(
            "--tables", help='Table or room names, comma-separated: "Window,Garden,Room 3".'
        )

    def handle(self, *args: object, program_slug: str, cohort_slug: str, **options: str) -> None:
        # Checked by hand rather than with argparse's choices: a bad value must exit 1 with a
        # message, like every other mistake here, not 2 with a usage line.
        chosen_format = options["format"]
        if chosen_format is not None and chosen_format not in Format.values:
            raise CommandError(
                f"Unknown format “{chosen_format}”: use one of {', '.join(Format.values)}."
            )
        start, end = _date(options["start"], "--start"), _date(options["end"], "--end")
        flash, tables = self._flash_options(options)
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
        effective_format = program.format if program is not None else chosen_format
        if (flash or tables is not None) and effective_format != Format.FLASH:
            given = [
                f"--{name.replace('_', '-')}"
                for name in ("starts_at", *FLASH_OPTIONS, "tables")
                if options[name] is not None
            ]
            raise CommandError(
                f"{', '.join(given)}: only for a flash event; this cohort's program is "
                f"{effective_format or Format.ONE_TO_ONE}."
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
                    flash=flash if program.format == Format.FLASH else None,
                )
                if tables:
                    flash_tables_set(event=cohort.flash_event, tables=[(t, "") for t in tables])
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from exc
        if created_program:
            self.stdout.write(f"Created the program {program} ({program.slug}).")
        self.stdout.write(self.style.SUCCESS(f"Created the cohort {cohort} ({cohort.slug})."))
        if program.format == Format.FLASH:
            event = cohort.flash_event
            self.stdout.write(
                f"Flash event: {event.rounds} rounds of {event.round_minutes} min, "
                f"{event.break_minutes} min between, {event.tables.count()} tables."
            )

    def _flash_options(self, options: dict) -> tuple[dict, list[str] | None]:
        flash: dict[str, object] = {
            field: options[name]
            for name, field in FLASH_OPTIONS.items()
            if options[name] is not None
        }
        if options["starts_at"] is not None:
            try:
                starts_at = dt.datetime.fromisoformat(options["starts_at"])
            except ValueError:
                raise CommandError(
                    f"--starts-at must be a date and time as YYYY-MM-DDTHH:MM, "
                    f"not “{options['starts_at']}”."
                ) from None
            if timezone.is_naive(starts_at):
                starts_at = timezone.make_aware(starts_at)
            flash["starts_at"] = starts_at
        tables = None
        if options["tables"] is not None:
            tables = [name.strip() for name in options["tables"].split(",") if name.strip()]
        return flash, tables
