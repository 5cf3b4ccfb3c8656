from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from core.demo import DEMO_DOMAIN, DEMO_LOGINS, DEMO_PASSWORD, organisation_rows
from profiles.services import directory_import_rows


class Command(BaseCommand):
    help = "Load a believable demo organisation. Safe to run again: it only fills what is missing."

    def handle(self, *args: object, **options: object) -> None:
        User = get_user_model()
        if User.objects.filter(email=DEMO_LOGINS[0].email).exists():
            self.stdout.write("Demo data already loaded.")
        else:
            self._load()
        self._print_logins()

    @transaction.atomic
    def _load(self) -> None:
        rows = organisation_rows()
        result = directory_import_rows(rows=rows)
        User = get_user_model()
        User.objects.create_superuser(
            email=DEMO_LOGINS[0].email, password=None, first_name="Site", last_name="Admin"
        )
        # One hash for everyone: hashing 150 passwords one by one takes most of a minute.
        password = make_password(DEMO_PASSWORD)
        demo_users = User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")
        demo_users.update(password=password)
        User.objects.filter(email=f"hr@{DEMO_DOMAIN}").update(is_hr_viewer=True)
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user_id=pk, email=email, verified=True, primary=True)
                for pk, email in demo_users.values_list("pk", "email")
            ],
            ignore_conflicts=True,
        )
        self.stdout.write(f"Loaded {result.created} people.")

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.role:<20} {login.email}")
        self.stdout.write("")
