from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "relationships"
    verbose_name = "Mentoring relationships"

    def ready(self) -> None:
        # Registers the nudge to quiet pairs with notifications (a deliberate start-up import).
        from relationships import messages  # noqa: F401
