from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Provisioning and privacy"

    def ready(self) -> None:
        # Registers the mail a leaver's partners receive with notifications.
        from governance import messages  # noqa: F401
