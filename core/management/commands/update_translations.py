"""Bring every shipped language's catalogue (locale/<code>/LC_MESSAGES/django.po) up to date with
the strings marked in the code and templates: new strings arrive untranslated, strings no longer
used are dropped. Source lines are left out so that moving code does not churn the files."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# Not shipped to people: the tests, benchmarks and scripts, and installed packages.
IGNORED = ["node_modules", "var", "tests", "benchmarks", "scripts", "static/vendor"]


def shipped_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class Command(BaseCommand):
    help = "Update the .po files of every shipped language from the marked strings."

    def handle(self, *args, **options) -> None:
        call_command(
            "makemessages",
            locale=shipped_languages(),
            ignore_patterns=IGNORED,
            no_location=True,
            no_obsolete=True,
            verbosity=options["verbosity"],
        )
