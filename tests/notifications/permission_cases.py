"""Preferences are everyone's own; the unsubscribe link works signed in or not."""

from __future__ import annotations

from tests.permissions import MENTEE, Case, everyone, signed_in

CASES: dict[str, Case] = {
    "notifications:preferences": Case(signed_in(200)),
    "notifications:unsubscribe": Case(everyone(200), lambda w: {"token": w["unsubscribe_token"]}),
}


def extend_world(world: dict) -> None:
    from notifications.tokens import unsubscribe_token

    world["unsubscribe_token"] = unsubscribe_token(world["users"][MENTEE].pk, "reminders")
