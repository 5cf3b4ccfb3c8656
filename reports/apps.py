from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        # Registers the monthly report to HR viewers with notifications.
        from reports import messages  # noqa: F401

        # After every migrate, so a table added by any app's migration is watched from the start.
        post_migrate.connect(_install_triggers, sender=self, dispatch_uid="reports_triggers")


def _install_triggers(sender, using: str, **kwargs) -> None:
    from django.db import connections

    from reports.versioning import install_triggers

    install_triggers(connections[using])
