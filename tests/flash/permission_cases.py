"""Flash events: the coordinator's event pages, and each participant's own schedule."""

from __future__ import annotations

from tests.flash.builders import flash_event
from tests.permissions import COORD, Case, coordinators_only

CASES: dict[str, Case] = {}


# --- The coordinator's event pages (flash/views.py) ------------------------------------------


def event(world: dict) -> dict:
    return {"slug": world["flash_planned"].cohort.slug}


CASES |= {
    "flash:event": Case(coordinators_only(200), event),
    "flash:event_settings": Case(coordinators_only(200), event),
    "flash:event_print": Case(coordinators_only(200), event),
    "flash:event_csv": Case(coordinators_only(200), event),
    "flash:event_plan": Case(coordinators_only(302), event, "post"),
    "flash:event_publish": Case(coordinators_only(302), event, "post"),
    "flash:event_attendance": Case(coordinators_only(302), event, "post"),
}


def extend_world(world: dict) -> None:
    # A planned event of a flash program the world's coordinator runs.
    world["flash_planned"] = flash_event(
        mentors=2, mentees=3, rounds=3, coordinator=world["users"][COORD], slug="flash-planned"
    )
