"""Meeting messages: invitations and cancellations (with an .ics), reminders before a meeting
at the program's offsets, and "How did it go?" after one nobody logged."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from core.emails import absolute_url
from notifications.models import Category, Dispatch
from notifications.registry import Planned, kind, occurrence_stamp, planner
from notifications.rendering import render_for
from relationships.selectors import member_user_ids
from scheduling import ics
from scheduling.access import with_people
from scheduling.models import DEFAULT_REMINDER_OFFSETS, Meeting, ReminderSchedule
from scheduling.selectors import MAX_DURATION, day_bounds, logged
from scheduling.services import KIND_CANCELLED, KIND_INVITE
from sessions.models import SessionLog

KIND_REMINDER = "meeting_reminder"
KIND_FOLLOWUP = "meeting_followup"
# "How did it go?" is asked for meetings that ended within this window, and not again.
FOLLOWUP_WINDOW = timedelta(days=2)


def _meeting(dispatch: Dispatch) -> Meeting | None:
    found = list(with_people(Meeting.objects.filter(pk=dispatch.object_id)).order_by())
    return found[0] if found else None


def _is_member(meeting: Meeting, user_id: int) -> bool:
    return any(person.user_id == user_id for person in meeting.mentorship.members())


def _context(meeting: Meeting, dispatch: Dispatch) -> dict[str, object]:
    others = [p for p in meeting.mentorship.members() if p.user_id != dispatch.recipient_id]
    return {
        "meeting": meeting,
        "others": others,
        "meeting_url": absolute_url(meeting.get_absolute_url()),
    }


# --- Invitations ------------------------------------------------------------------------------


def _invitation(dispatch: Dispatch, template: str, cancelled: bool):
    meeting = _meeting(dispatch)
    # A later change supersedes this version: its own message carries the newer SEQUENCE.
    if meeting is None or dispatch.occurrence != f"seq{meeting.sequence}":
        return None
    if meeting.is_cancelled != cancelled:
        return None
    message = render_for(dispatch, template, _context(meeting, dispatch))
    message.attach("invite.ics", ics.invitation(meeting).decode(), ics.content_type(meeting))
    return message


@kind(KIND_INVITE, category=Category.MEETINGS)
def build_invitation(dispatch: Dispatch):
    return _invitation(dispatch, "scheduling/emails/meeting_invite", cancelled=False)


@kind(KIND_CANCELLED, category=Category.MEETINGS)
def build_cancellation(dispatch: Dispatch):
    return _invitation(dispatch, "scheduling/emails/meeting_cancelled", cancelled=True)


# --- Reminders --------------------------------------------------------------------------------


def reminder_offsets() -> dict[int, list[int]]:
    """Program id -> its reminder offsets in minutes, largest first (a small table)."""
    return {
        program_id: sorted(offsets, reverse=True)
        for program_id, offsets in ReminderSchedule.objects.values_list(
            "program_id", "offsets_minutes"
        )
        if offsets
    }


def reminder_occurrence(offset: int, start: datetime) -> str:
    return f"{offset}m@{occurrence_stamp(start)}"


@planner
def plan_reminders(now: datetime) -> Iterable[Planned]:
    """The latest reminder due for each upcoming meeting. Offsets are durations (24 h is
    24 hours, also across a daylight-saving change). A reminder whose moment passed while the
    next one is already due is skipped: after an outage nobody gets "tomorrow" and "in an
    hour" at once."""
    offsets = reminder_offsets()
    horizon = max([*DEFAULT_REMINDER_OFFSETS, *(o for v in offsets.values() for o in v)])
    meetings = list(
        Meeting.objects.filter(
            status=Meeting.Status.SCHEDULED,
            start__gt=now,
            start__lte=now + timedelta(minutes=horizon),
        ).values_list("pk", "start", "mentorship_id", "mentorship__cohort__program_id")
    )
    members = member_user_ids(m[2] for m in meetings)
    for pk, start, mentorship_id, program_id in meetings:
        due = [
            o
            for o in offsets.get(program_id, DEFAULT_REMINDER_OFFSETS)
            if start - timedelta(minutes=o) <= now
        ]
        if not due:
            continue
        offset = min(due)
        for user_id in members[mentorship_id]:
            yield Planned(
                KIND_REMINDER,
                pk,
                reminder_occurrence(offset, start),
                user_id,
                start - timedelta(minutes=offset),
            )


@kind(KIND_REMINDER, category=Category.REMINDERS)
def build_reminder(dispatch: Dispatch):
    meeting = _meeting(dispatch)
    if meeting is None or meeting.is_cancelled or timezone.now() >= meeting.start:
        return None
    offset, _, stamp = dispatch.occurrence.partition("m@")
    # Moved since this reminder was planned: the new time gets reminders of its own.
    if stamp != occurrence_stamp(meeting.start):
        return None
    if not _is_member(meeting, dispatch.recipient_id):
        return None
    context = _context(meeting, dispatch) | {"offset": timedelta(minutes=int(offset))}
    return render_for(dispatch, "scheduling/emails/meeting_reminder", context)


# --- "How did it go?" -------------------------------------------------------------------------


@planner
def plan_followups(now: datetime) -> Iterable[Planned]:
    ends = {}
    for pk, start, duration, mentorship_id in Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED,
        start__lte=now,
        start__gt=now - FOLLOWUP_WINDOW - MAX_DURATION,
    ).values_list("pk", "start", "duration_minutes", "mentorship_id"):
        end = start + timedelta(minutes=duration)
        if now - FOLLOWUP_WINDOW < end <= now:
            ends[(pk, start, mentorship_id)] = end
    done = logged(list(ends))
    members = member_user_ids(key[2] for key in ends)
    for (pk, start, mentorship_id), end in ends.items():
        if pk in done:
            continue
        for user_id in members[mentorship_id]:
            yield Planned(KIND_FOLLOWUP, pk, occurrence_stamp(start), user_id, end)


@kind(KIND_FOLLOWUP, category=Category.REMINDERS)
def build_followup(dispatch: Dispatch):
    meeting = _meeting(dispatch)
    if meeting is None or meeting.is_cancelled:
        return None
    if not _is_member(meeting, dispatch.recipient_id):
        return None
    low, high = day_bounds(meeting.start, [p.user.timezone for p in meeting.mentorship.members()])
    if SessionLog.objects.filter(
        mentorship_id=meeting.mentorship_id, occurred_at__gte=low, occurred_at__lt=high
    ).exists():
        return None  # someone logged it since
    context = _context(meeting, dispatch) | {
        "log_url": absolute_url(reverse("scheduling:meeting_log", args=[meeting.pk]))
    }
    return render_for(dispatch, "scheduling/emails/meeting_followup", context)
