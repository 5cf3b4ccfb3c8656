"""Preferences are everyone's own; the unsubscribe link works signed in or not."""

from __future__ import annotations

from tests.permissions import MENTEE, Case, everyone, signed_in

CASES: dict[str, Case] = {
    "notifications:preferences": Case(signed_in(200)),
    "notifications:inbox": Case(signed_in(200)),
    # The mentee's own item; everyone else's inbox holds no item of that number.
    "notifications:inbox_item": Case(
        signed_in(404, **{MENTEE: 200}), lambda w: {"pk": w["inbox_item"].pk}
    ),
    "notifications:inbox_mark_read": Case(signed_in(302), method="post"),
    "notifications:bell": Case(signed_in(200)),
    "notifications:unsubscribe": Case(everyone(200), lambda w: {"token": w["unsubscribe_token"]}),
}


def extend_world(world: dict) -> None:
    from notifications.models import InboxItem
    from notifications.tokens import unsubscribe_token

    world["unsubscribe_token"] = unsubscribe_token(world["users"][MENTEE].pk, "reminders")
    world["inbox_item"] = InboxItem.objects.create(
        user=world["users"][MENTEE], subject="Time for a check-in", body="Go on."
    )
