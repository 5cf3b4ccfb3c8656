from __future__ import annotations

from django.core.management.base import BaseCommand

from sessions.services import private_notes_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every private session note with the first key in NOTES_ENCRYPTION_KEYS. "
        "Rotate by putting a new key first, running this, then removing the old key."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: object, batch_size: int, **options: object) -> None:
        rotated = private_notes_rotate(batch_size=batch_size)
        self.stdout.write(f"Re-encrypted {rotated} private note{'s' if rotated != 1 else ''}.")
