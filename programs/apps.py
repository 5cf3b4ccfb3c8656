from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Programs"

    def ready(self) -> None:
        # Registers the program mail (invitations, application decisions) with notifications.
        # Registers the import that workers confirm for the browser with jobs.
        from programs import (
            jobs,  # noqa: F401
            messages,  # noqa: F401
        )
