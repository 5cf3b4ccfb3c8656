from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        # Registers the matching mail (matches, requests and their expiry) with notifications.
        from matching import messages  # noqa: F401
