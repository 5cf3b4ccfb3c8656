from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = "Pair messages"

    def ready(self) -> None:
        # Registers the "new messages" email with notifications (a deliberate start-up import).
        from conversations import messages  # noqa: F401
