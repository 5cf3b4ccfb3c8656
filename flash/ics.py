"""A participant's flash event as iCalendar: one event per round, built with scheduling's
calendar (scheduling.ics).

Each round keeps its UID for life (event, round and person), and SEQUENCE follows the plan's
time, so importing the file again after a re-plan updates the rounds in a calendar instead of
adding them twice."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Event

from core.emails import absolute_url
from flash.participant_access import Round, one_line
from profiles.models import Person
from programs.models import FlashEvent
from scheduling.ics import new_calendar


def round_uid(event: FlashEvent, number: int, person: Person) -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"flash-{event.pk}-round-{number}-person-{person.pk}@{domain}"


def _summary(event: FlashEvent, slot: Round) -> str:
    if slot.sitting_out:
        return _("%(event)s, round %(round)d: you sit this round out") % {
            "event": event.cohort.name,
            "round": slot.number,
        }
    names = ", ".join(seat.person.name for seat in slot.seats)
    return _("%(event)s, round %(round)d: with %(names)s") % {
        "event": event.cohort.name,
        "round": slot.number,
        "names": names,
    }


def schedule_calendar(event: FlashEvent, person: Person, rounds: list[Round]) -> bytes:
    """Rounds without a time (an event not yet dated) are left out."""
    calendar = new_calendar(name=str(event.cohort))
    url = absolute_url(reverse("flash:my_schedule", args=[event.cohort.slug]))
    # Minutes since 1970 fit SEQUENCE's 31 bits for thousands of years, and only ever grow.
    sequence = int(event.plan.planned_at.timestamp()) // 60
    for slot in rounds:
        if slot.starts is None:
            continue
        entry = Event()
        entry.add("uid", round_uid(event, slot.number, person))
        entry.add("sequence", sequence)
        entry.add("dtstamp", timezone.now())
        entry.add("dtstart", slot.starts)
        entry.add("dtend", slot.ends)
        entry.add("summary", _summary(event, slot))
        details = [
            f"{seat.person.name}: {line}" for seat in slot.seats if (line := one_line(seat.person))
        ]
        details.append(url)
        entry.add("description", "\n".join(details))
        if slot.table is not None:
            entry.add("location", slot.table.link or slot.table.name)
        entry.add("url", url)
        entry.add("status", "CONFIRMED")
        calendar.add_component(entry)
    return calendar.to_ical()
