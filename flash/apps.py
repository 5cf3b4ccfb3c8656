from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlashConfig(AppConfig):
    name = "flash"
    verbose_name = _("Flash events")

    def ready(self) -> None:
        # Registers the flash mail (the published rounds) with notifications.
        from flash import messages  # noqa: F401
