from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from portal.demo import (
    COORDINATOR_EMAIL,
    DEMO_DOMAIN,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DEMO_PROGRAMS,
    HR_EMAIL,
    DemoCohort,
    DemoProgram,
    as_csv,
    cohort_rows,
    demo_cohorts,
    demo_login_lines,
    organisation_rows,
)
from portal.demo import flash as flash_demo
from portal.demo import matching as matching_demo
from portal.demo import relationships as relationships_demo
from profiles.models import Person
from programs.importing import cohort_import_participants
from programs.models import Cohort, Enrolment, Program
from programs.services import cohort_create, program_create

# Each app adds its demo data on top of the people and programs, in this order (matching
# publishes pairs that relationships then fills with goals and sessions; flash plans today's
# event). Each is idempotent.
APP_SEEDS = [matching_demo, relationships_demo, flash_demo]


class Command(BaseCommand):
    help = "Load a believable demo organisation. Safe to run again: it only fills what is missing."

    def handle(self, *args: object, **options: object) -> None:
        if self._load():
            self.stdout.write(f"Loaded {Person.objects.count()} people.")
        else:
            self.stdout.write("Demo data already loaded.")
        for module in APP_SEEDS:
            module.seed(self.stdout)
        self._print_logins()

    @transaction.atomic
    def _load(self) -> bool:
        """Fill in what is missing; True when anything was added."""
        User = get_user_model()
        added = False
        people = organisation_rows()
        programs = {spec.slug: self._program(spec) for spec in DEMO_PROGRAMS}
        for spec in demo_cohorts(timezone.localdate()):
            if not Cohort.objects.filter(slug=spec.slug).exists():
                self._cohort(spec, programs[spec.program], people)
                added = True

        if not User.objects.filter(email=DEMO_LOGINS[0].email).exists():
            User.objects.create_superuser(
                email=DEMO_LOGINS[0].email, password=None, first_name="Site", last_name="Admin"
            )
            added = True
        coordinator = User.objects.get(email=COORDINATOR_EMAIL)
        for program in programs.values():
            program.coordinators.add(coordinator)
        coordinator.user_permissions.add(
            Permission.objects.get(content_type__app_label="programs", codename="create_program")
        )

        demo_users = User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")
        # Only the accounts the import just made: someone who changed a demo password keeps
        # it. One hash for everyone: hashing 150 passwords one by one takes most of a minute.
        fresh = demo_users.filter(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        if fresh.exists():
            fresh.update(password=make_password(DEMO_PASSWORD))
        demo_users.filter(email=HR_EMAIL).update(is_hr_viewer=True)
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user_id=pk, email=email, verified=True, primary=True)
                for pk, email in demo_users.filter(emailaddress__isnull=True).values_list(
                    "pk", "email"
                )
            ],
            ignore_conflicts=True,
        )
        return added

    def _program(self, spec: DemoProgram) -> Program:
        program = Program.objects.filter(slug=spec.slug).first()
        if program is not None:
            return program
        program = program_create(
            name=spec.name,
            slug=spec.slug,
            format=spec.format,
            enrolment=spec.enrolment,
            description=spec.description,
        )
        for position, question in enumerate(spec.questions):
            program.questions.create(
                slug=question.slug,
                text=question.text,
                kind=question.kind,
                choices=list(question.choices),
                required=question.required,
                position=position,
            )
        return program

    def _cohort(self, spec: DemoCohort, program: Program, people: list[dict[str, str]]) -> None:
        cohort = cohort_create(
            program=program,
            name=spec.name,
            slug=spec.slug,
            start_date=spec.start,
            end_date=spec.end,
            enrolment_opens=spec.opens,
            enrolment_closes=spec.closes,
            status=spec.status,
        )
        questions = next(p.questions for p in DEMO_PROGRAMS if p.slug == spec.program)
        # The same path as a coordinator's CSV upload, so the demo exercises it too.
        report = cohort_import_participants(
            cohort=cohort, data=as_csv(cohort_rows(people, spec, questions)), by=None
        )
        if not report.ok:
            problems = report.file_errors + [
                f"line {row.line}, {error.column}: {error.message}"
                for row in report.rows
                for error in row.errors
            ]
            raise CommandError("The demo data does not import: " + "; ".join(problems[:5]))
        if spec.status == Cohort.Status.ACTIVE:
            # A running cohort: everyone accepted their invitation long ago.
            cohort.enrolments.update(status=Enrolment.Status.APPROVED)

    def _print_logins(self) -> None:
        self.stdout.write("\n".join(["", *demo_login_lines(), ""]))
