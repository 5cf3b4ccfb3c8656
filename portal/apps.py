from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top of the apps: the dashboard and navigation that bring the domains together, and
    the demo organisation. Nothing imports it but the project package (mentoring)."""

    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        # Registers the coordinator's digest with notifications (a deliberate start-up import).
        from portal import messages  # noqa: F401
