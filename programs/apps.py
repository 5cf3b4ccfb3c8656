from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Programs"

    def ready(self) -> None:
        # Registers the program mail (invitations, application decisions) with notifications.
        from programs import messages  # noqa: F401
