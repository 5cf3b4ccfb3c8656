from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        # Registers the monthly report to HR viewers with notifications.
        from core.data_version import version_sources
        from reports import messages  # noqa: F401
        from reports.versioning import data_version, install_after_migrate

        # Pages cache their parts under the data version (core/fragments.py).
        if data_version not in version_sources:
            version_sources.append(data_version)

        # After every migrate, so a table added by any app's migration is watched from the start.
        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="reports_triggers")
