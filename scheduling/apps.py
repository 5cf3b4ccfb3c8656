from __future__ import annotations

from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        # Registers the meeting messages (invitations, reminders, follow-ups) with notifications.
        # An ended pair does not meet again: relationships calls this when a pair ends
        # (relationships.hooks), so its meetings leave everyone's calendar.
        from relationships.hooks import on_pair_ended
        from scheduling import messages  # noqa: F401
        from scheduling.services import meeting_cancel_upcoming

        on_pair_ended(meeting_cancel_upcoming)
