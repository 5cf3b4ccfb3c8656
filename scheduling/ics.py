"""iCalendar for meetings: an invitation per change (RFC 5546 REQUEST / CANCEL) and a
person's feed. A meeting keeps its UID for life; every change raises SEQUENCE, so calendar
clients replace the event instead of adding a second one."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from core.emails import absolute_url
from scheduling.models import Meeting

PRODID = "-//Mentoring//Meetings//EN"


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def meeting_event(meeting: Meeting) -> Event:
    """Needs mentorship__mentor__user, mentees__user and scheduled_by loaded (or loads them)."""
    mentorship = meeting.mentorship
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.start)
    event.add("dtend", meeting.end)
    names = " & ".join(person.name for person in mentorship.members())
    event.add("summary", _("Mentoring: %(names)s") % {"names": names})
    description = [meeting.agenda.strip()] if meeting.agenda.strip() else []
    if meeting.video_url:
        description.append(f"Video: {meeting.video_url}")
    description.append(absolute_url(meeting.get_absolute_url()))
    event.add("description", "\n\n".join(description))
    if meeting.location or meeting.video_url:
        event.add("location", meeting.location or meeting.video_url)
    event.add("url", absolute_url(meeting.get_absolute_url()))
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    organiser = meeting.scheduled_by or mentorship.mentor.user
    event.add("organizer", _address(organiser.email, str(organiser)))
    for person in mentorship.members():
        event.add(
            "attendee",
            _address(person.email, person.name, role="REQ-PARTICIPANT", partstat="ACCEPTED"),
        )
    return event


def new_calendar(method: str | None = None, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def invitation(meeting: Meeting) -> bytes:
    """REQUEST for a scheduled meeting, CANCEL for a cancelled one."""
    calendar = new_calendar("CANCEL" if meeting.is_cancelled else "REQUEST")
    calendar.add_component(meeting_event(meeting))
    return calendar.to_ical()


def feed(meetings: Iterable[Meeting]) -> bytes:
    calendar = new_calendar(name=f"{settings.SITE_NAME} meetings")
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting))
    return calendar.to_ical()


def content_type(meeting: Meeting) -> str:
    method = "CANCEL" if meeting.is_cancelled else "REQUEST"
    return f"text/calendar; method={method}; charset=utf-8"
