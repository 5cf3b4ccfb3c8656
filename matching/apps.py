from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        # Registers the matching mail (matches, requests and their expiry) with notifications.
        # Registers the match run that workers do for the browser with jobs.
        from matching import (
            jobs,  # noqa: F401
            messages,  # noqa: F401
        )

        # Hands the pairing rule down to relationships.services.mentorships_create, which every
        # path that pairs people goes through (relationships.pairing says why).
        from matching.rules import pairing_problems
        from relationships.pairing import pairing_rule_set

        pairing_rule_set(pairing_problems)
