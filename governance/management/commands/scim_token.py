from __future__ import annotations

from django.core.management.base import BaseCommand

from governance.services import scim_token_create


class Command(BaseCommand):
    help = "Make a bearer token for the identity provider's SCIM client; it is shown only once."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", help="Which client uses it, e.g. “Entra ID”.")

    def handle(self, *args, name: str, **options) -> None:
        token, secret = scim_token_create(name=name)
        self.stdout.write(f"Token {token.pk} ({token.name}); copy it now, it is not kept:")
        self.stdout.write(secret)
