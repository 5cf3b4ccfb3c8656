from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationshipsConfig(AppConfig):
    name = "relationships"
    verbose_name = _("Mentoring relationships")

    def ready(self) -> None:
        # Registers the nudge to quiet pairs with notifications (a deliberate start-up import).
        from relationships import messages  # noqa: F401
