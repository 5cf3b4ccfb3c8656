from __future__ import annotations

from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from programs.models import Cohort
from programs.services import BULK_ACTIONS, enrolments_bulk_action


class Command(BaseCommand):
    help = (
        "Apply a coordinator's action to a cohort's enrolments, as the cohort page does: "
        "invite (those not invited yet), resend (the invitation, again), approve (pending "
        "applications and invitations), decline, withdraw. Everyone it applies to, or only "
        "the people given with --email. Exits 1 on errors, with nothing changed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("cohort_slug")
        parser.add_argument("action", help=", ".join(BULK_ACTIONS))
        parser.add_argument(
            "--email",
            action="append",
            default=[],
            metavar="ADDRESS",
            help="Only this person (repeat for several).",
        )

    def handle(self, *args: object, cohort_slug: str, action: str, email: list[str], **_) -> None:
        # Checked by hand rather than with argparse's choices: a bad value must exit 1 with a
        # message, like every other mistake here, not 2 with a usage line.
        if action not in BULK_ACTIONS:
            raise CommandError(f"Unknown action “{action}”: use one of {', '.join(BULK_ACTIONS)}.")
        cohort = Cohort.objects.filter(slug=cohort_slug).first()
        if cohort is None:
            raise CommandError(f"There is no cohort with the slug “{cohort_slug}”.")
        ids = None
        if email:
            wanted = {address.strip().lower() for address in email}
            found = dict(
                cohort.enrolments.filter(person__user__email__in=wanted).values_list(
                    "person__user__email", "pk"
                )
            )
            missing = sorted(wanted - set(found))
            if missing:
                raise CommandError(f"Not enrolled in {cohort_slug}: {', '.join(missing)}.")
            ids = list(found.values())
        result = enrolments_bulk_action(cohort=cohort, action=action, enrolment_ids=ids)
        for warning, message in result.messages():
            self.stdout.write(self.style.WARNING(message) if warning else message)
