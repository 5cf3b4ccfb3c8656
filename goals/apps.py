from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "goals"
    verbose_name = "Goals"

    def ready(self) -> None:
        # Registers the goal check-ins with notifications (a deliberate start-up import).
        from goals import messages  # noqa: F401
