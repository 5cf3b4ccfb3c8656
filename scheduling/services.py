from __future__ import annotations

import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dateranges import meeting_start_error
from core.errors import DomainError
from notifications.registry import Message
from notifications.services import dispatches_create_now
from relationships.models import Mentorship
from relationships.selectors import member_user_ids
from scheduling.models import CalendarFeed, Meeting, ReminderSchedule
from scheduling.selectors import booked_at

KIND_INVITE = "meeting_invite"
KIND_CANCELLED = "meeting_cancelled"
CHANGEABLE = ("start", "duration_minutes", "format", "location", "video_url", "agenda")


class SchedulingError(DomainError):
    pass


def _check_start(start: datetime) -> None:
    if timezone.is_naive(start):
        raise SchedulingError(_("A meeting's start needs a time zone."))
    if message := meeting_start_error(start):
        raise SchedulingError(message)


def _send_invitations(meeting: Meeting) -> None:
    """Every member gets the invitation (or the cancellation) for this version of the meeting;
    the occurrence is the SEQUENCE, so each change is its own message, sent once."""
    kind = KIND_CANCELLED if meeting.is_cancelled else KIND_INVITE
    dispatches_create_now(
        messages=[
            Message(kind, meeting.pk, f"seq{meeting.sequence}", user_id)
            for user_id in member_user_ids([meeting.mentorship_id])[meeting.mentorship_id]
        ]
    )


@transaction.atomic
def meeting_schedule(
    *,
    mentorship: Mentorship,
    scheduled_by,
    start: datetime,
    duration_minutes: int = 60,
    format: str = Meeting._meta.get_field("format").default,
    location: str = "",
    video_url: str = "",
    agenda: str = "",
) -> Meeting:
    if mentorship.is_ended:
        raise SchedulingError(_("This mentorship has ended; no more meetings can be scheduled."))
    _check_start(start)
    meeting = Meeting(
        mentorship=mentorship,
        scheduled_by=scheduled_by,
        start=start,
        duration_minutes=duration_minutes,
        format=format,
        location=location,
        video_url=video_url,
        agenda=agenda,
    )
    meeting.full_clean()
    meeting.save()
    _send_invitations(meeting)
    return meeting


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


@transaction.atomic
def meeting_update(*, meeting: Meeting, by, **changes: object) -> Meeting:
    """Changes the meeting and sends everyone the new version (SEQUENCE + 1)."""
    unknown = set(changes) - set(CHANGEABLE)
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)}")
    locked = _locked(meeting)
    if locked.is_cancelled:
        raise SchedulingError(_("This meeting was cancelled."))
    changed = {name: value for name, value in changes.items() if getattr(locked, name) != value}
    if not changed:
        return locked
    if "start" in changed:
        _check_start(changed["start"])
    for name, value in changed.items():
        setattr(locked, name, value)
    locked.sequence += 1
    locked.full_clean()
    locked.save()
    _send_invitations(locked)
    return locked


@transaction.atomic
def meeting_book(
    *,
    mentorship: Mentorship,
    scheduled_by,
    start: datetime,
    duration_minutes: int = 60,
    format: str = Meeting._meta.get_field("format").default,
    location: str = "",
    video_url: str = "",
) -> tuple[Meeting, bool]:
    """Schedule a meeting (invitations with their .ics to everyone, as meeting_schedule does)
    unless the pair already has one starting then: a second click, or the partner picking the
    same slot at the same moment. The lock on the pair's row makes that check and the booking
    one step. Returns the meeting and whether it is new."""
    Mentorship.objects.select_for_update().filter(pk=mentorship.pk).first()
    existing = booked_at(mentorship, start)
    if existing is not None:
        return existing, False
    meeting = meeting_schedule(
        mentorship=mentorship,
        scheduled_by=scheduled_by,
        start=start,
        duration_minutes=duration_minutes,
        format=format,
        location=location,
        video_url=video_url,
    )
    return meeting, True


@transaction.atomic
def meeting_repeat(*, meeting: Meeting, by, start: datetime) -> tuple[Meeting, bool]:
    """The next meeting of the rhythm, like this one (length, format, place, link; not the
    agenda, which is the next meeting's own), starting at `start`."""
    if meeting.is_cancelled:
        raise SchedulingError(_("This meeting was cancelled."))
    return meeting_book(
        mentorship=meeting.mentorship,
        scheduled_by=by,
        start=start,
        duration_minutes=meeting.duration_minutes,
        format=meeting.format,
        location=meeting.location,
        video_url=meeting.video_url,
    )


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by) -> Meeting:
    locked = _locked(meeting)
    if locked.is_cancelled:
        return locked
    locked.status = Meeting.Status.CANCELLED
    locked.sequence += 1
    locked.save(update_fields=["status", "sequence", "updated_at"])
    _send_invitations(locked)
    return locked


@transaction.atomic
def meeting_cancel_upcoming(*, mentorship: Mentorship, actor) -> list[Meeting]:
    """Cancel the pair's meetings that have not started yet (the pair has ended): each one
    goes out to everyone invited as a cancellation, like a cancellation by hand."""
    upcoming = Meeting.objects.filter(
        mentorship=mentorship, status=Meeting.Status.SCHEDULED, start__gt=timezone.now()
    )
    return [meeting_cancel(meeting=meeting, by=actor) for meeting in upcoming]


@transaction.atomic
def reminder_schedule_set(*, program, offsets_minutes: list[int]) -> ReminderSchedule:
    schedule, _created = ReminderSchedule.objects.get_or_create(program=program)
    schedule.offsets_minutes = sorted(set(offsets_minutes), reverse=True)
    schedule.full_clean()
    schedule.save()
    return schedule


@transaction.atomic
def calendar_feed_renew(*, user) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = secrets.token_urlsafe(32)
        feed.last_read_at = None
        feed.save(update_fields=["token", "last_read_at"])
    return feed


def calendar_feed_revoke(*, user) -> None:
    CalendarFeed.objects.filter(user=user).delete()
