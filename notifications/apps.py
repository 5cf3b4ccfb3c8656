from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Each module registers the kinds of message it builds and the planners that find
        # them due (notifications.registry); scheduling registers its own from its app.
        from notifications import messages  # noqa: F401
