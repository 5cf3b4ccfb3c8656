from __future__ import annotations

from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        # Registers the meeting messages (invitations, reminders, follow-ups) with notifications.
        from scheduling import messages  # noqa: F401
