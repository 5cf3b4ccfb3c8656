from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = _("Pair messages")

    def ready(self) -> None:
        # Registers the "new messages" email with notifications (a deliberate start-up import).
        from conversations import messages  # noqa: F401
