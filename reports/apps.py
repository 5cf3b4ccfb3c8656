from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        # Registers the monthly report to HR viewers with notifications.
        from reports import messages  # noqa: F401
