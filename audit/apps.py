from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        # Sign-ins, two-factor and role changes are recorded from Django's and allauth's signals.
        from audit import signals  # noqa: F401
