from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta
from itertools import groupby
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.emails import absolute_url
from core.widgets import DATETIME_FORMAT
from notifications.rendering import zone_of
from programs.access import get_program_for_coordinator
from programs.models import MeetingFormat
from relationships.access import get_mentorship_for_member
from scheduling import ics, selectors, services
from scheduling.access import get_meeting_for_member, meetings_of, with_people
from scheduling.forms import (
    BookingForm,
    BookingLengthForm,
    MeetingForm,
    ReminderScheduleForm,
    format_offsets,
)
from scheduling.messages import reminder_offsets
from scheduling.models import DEFAULT_REMINDER_OFFSETS, CalendarFeed, Meeting
from scheduling.services import SchedulingError
from scheduling.slots import rhythm_weeks, same_time_later

FEED_HISTORY_DAYS = 90


def meeting_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    mine = with_people(meetings_of(request.user).filter(status=Meeting.Status.SCHEDULED))
    return render(
        request,
        "scheduling/meeting_list.html",
        {
            "upcoming": mine.filter(start__gte=now - timezone.timedelta(hours=3)),
            "past": mine.filter(start__lt=now - timezone.timedelta(hours=3)).order_by("-start")[
                :10
            ],
        },
    )


def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for_member(request.user, pk)
    if mentorship.is_ended:
        messages.error(request, _("This mentorship has ended; no more meetings can be scheduled."))
        return redirect(mentorship)
    form = MeetingForm(
        request.POST or None,
        zone=zone_of(request.user),
        submit_label=_("Schedule and send invitations"),
        initial={"format": getattr(getattr(mentorship, "agreement", None), "preferred_format", "")}
        if hasattr(mentorship, "agreement")
        else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(
                mentorship=mentorship, scheduled_by=request.user, **form.cleaned_data
            )
        except SchedulingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Meeting scheduled. Invitations are on their way."))
            return redirect(meeting)
    return render(request, "scheduling/meeting_form.html", {"form": form, "mentorship": mentorship})


def _clock(moment: datetime, zone: zoneinfo.ZoneInfo, day: object) -> str:
    """A moment on someone's clock: the time, and the weekday too when it falls on another day
    than `day` (the viewer's)."""
    local = moment.astimezone(zone)
    return date_format(local, "H:i" if local.date() == day else "D H:i")


def _offered_days(slots: list[datetime], me, people) -> list[dict]:
    """The offered starts by day on the viewer's clock, each with the partners' local times."""
    mine = zone_of(me)
    partners = [(person.name, zone_of(person.user)) for person in people if person.user_id != me.pk]
    days = []
    for day, starts in groupby(slots, key=lambda slot: slot.astimezone(mine).date()):
        days.append(
            {
                "day": day,
                "slots": [
                    {
                        "value": start.isoformat(),
                        "mine": _clock(start, mine, day),
                        "theirs": [(name, _clock(start, zone, day)) for name, zone in partners],
                    }
                    for start in starts
                ],
            }
        )
    return days


def _preferred_format(mentorship) -> str:
    agreement = getattr(mentorship, "agreement", None)
    return (agreement and agreement.preferred_format) or Meeting._meta.get_field("format").default


def meeting_book(request: HttpRequest, pk: int) -> HttpResponse:
    """Times that suit the whole pair, from everyone's weekly availability; a click books one
    (with the invitations and their .ics, as scheduling by hand does)."""
    mentorship = get_mentorship_for_member(request.user, pk)
    if mentorship.is_ended:
        messages.error(request, _("This mentorship has ended; no more meetings can be scheduled."))
        return redirect(mentorship)
    people = selectors.members_with_availability(mentorship)
    mine = zone_of(request.user)
    # Weeks of the viewer's calendar, from their today: a day is never split between two.
    today = selectors.booking_window()[0].astimezone(mine).date()
    firsts = [today + timedelta(weeks=n) for n in range(selectors.BOOKING_WEEKS + 1)]
    weeks = [datetime.combine(first, time.min, tzinfo=mine) for first in firsts]
    labels = [
        f"{date_format(first, 'j M')}\N{EN DASH}{date_format(first + timedelta(days=6), 'j M')}"
        for first in firsts[:-1]
    ]
    length = BookingLengthForm(request.GET or None, weeks=labels)
    duration, week = length.choice()
    if request.method == "POST":
        form = BookingForm(request.POST)
        if form.is_valid():
            start, duration = form.cleaned_data["start"], form.cleaned_data["duration_minutes"]
            # Booked already (a second click) counts as offered: the service says so.
            if selectors.booked_at(mentorship, start) or start in selectors.offered_times(
                people, duration_minutes=duration
            ):
                try:
                    meeting, created = services.meeting_book(
                        mentorship=mentorship,
                        scheduled_by=request.user,
                        start=start,
                        duration_minutes=duration,
                        format=_preferred_format(mentorship),
                    )
                except SchedulingError as exc:
                    messages.error(request, str(exc))
                else:
                    if not created:
                        messages.info(request, _("That meeting was already booked."))
                    elif meeting.format == MeetingFormat.VIDEO and not meeting.video_url:
                        messages.success(
                            request,
                            _(
                                "Meeting booked. Invitations are on their way to everyone. "
                                "Add the video link with Change; everyone gets the update."
                            ),
                        )
                    else:
                        messages.success(
                            request, _("Meeting booked. Invitations are on their way to everyone.")
                        )
                    return redirect(meeting)
            else:
                messages.error(
                    request, _("That time is no longer free for you both; pick another.")
                )
        else:
            messages.error(request, _("Pick one of the offered times."))
        length = BookingLengthForm({"duration_minutes": duration, "week": 0}, weeks=labels)
        week = 0
    slots = [
        slot
        for slot in selectors.offered_times(people, duration_minutes=duration)
        if weeks[week] <= slot < weeks[week + 1]
    ]
    missing = [person for person in people if not person.availability.all()]
    return render(
        request,
        "scheduling/meeting_book.html",
        {
            "mentorship": mentorship,
            "length": length,
            "duration": duration,
            "days": _offered_days(slots, request.user, people),
            "partners": [person for person in people if person.user_id != request.user.pk],
            "missing": missing,
            "i_am_missing": any(person.user_id == request.user.pk for person in missing),
            "weeks": selectors.BOOKING_WEEKS,
            "next_week": week + 1 if week + 1 < len(labels) else None,
            "zone": mine.key,
        },
    )


def _next_in_rhythm(meeting: Meeting, user) -> tuple[int, datetime | None]:
    """The same time on the viewer's clock, the agreement's rhythm (in weeks) later; None for a
    meeting so near the calendar's end that there is no later date."""
    weeks = rhythm_weeks(meeting.mentorship.cadence)
    try:
        return weeks, same_time_later(meeting.start, zone_of(user), weeks)
    except OverflowError:
        return weeks, None


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_member(request.user, pk)
    context = {
        "meeting": meeting,
        "mentorship": meeting.mentorship,
        "is_past": meeting.end < timezone.now(),
    }
    weeks, start = _next_in_rhythm(meeting, request.user)
    mine = zone_of(request.user)
    upcoming = start is not None and start > timezone.now()
    if upcoming and not meeting.is_cancelled and not meeting.mentorship.is_ended:
        people = selectors.members_with_availability(meeting.mentorship)
        context["repeat"] = {
            "weeks": weeks,
            "start": start,
            "theirs": [
                (person.name, _clock(start, zone_of(person.user), start.astimezone(mine).date()))
                for person in people
                if person.user_id != request.user.pk
            ],
            "fits": selectors.fits_everyone(people, start, meeting.duration_minutes),
            "booked": selectors.booked_at(meeting.mentorship, start),
        }
    return render(request, "scheduling/meeting_detail.html", context)


@require_POST
def meeting_repeat(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: the same time, the agreement's rhythm later, booked like any meeting."""
    meeting = get_meeting_for_member(request.user, pk)
    start = _next_in_rhythm(meeting, request.user)[1]
    if start is None:
        messages.error(request, _("This meeting has no next one in the calendar."))
        return redirect(meeting)
    try:
        booked, created = services.meeting_repeat(meeting=meeting, by=request.user, start=start)
    except SchedulingError as exc:
        messages.error(request, str(exc))
        return redirect(meeting)
    messages.success(
        request,
        _("Next meeting booked. Invitations are on their way to everyone.")
        if created
        else _("That meeting was already booked."),
    )
    return redirect(booked)


def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_member(request.user, pk)
    if meeting.is_cancelled:
        messages.error(request, _("This meeting was cancelled."))
        return redirect(meeting)
    form = MeetingForm(
        request.POST or None,
        instance=meeting,
        zone=zone_of(request.user),
        submit_label=_("Save and send the update"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=meeting, by=request.user, **form.cleaned_data)
        except SchedulingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Meeting updated. Everyone gets the new invitation."))
            return redirect(meeting)
    # A ModelForm writes the cleaned values onto its instance; show the saved ones.
    meeting.refresh_from_db()
    return render(
        request,
        "scheduling/meeting_form.html",
        {"form": form, "mentorship": meeting.mentorship, "meeting": meeting},
    )


@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_member(request.user, pk)
    if meeting.is_cancelled:
        messages.info(request, _("This meeting was already cancelled."))
    else:
        services.meeting_cancel(meeting=meeting, by=request.user)
        messages.success(request, _("Meeting cancelled. Everyone gets the cancellation."))
    return redirect(meeting)


def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_member(request.user, pk)
    response = HttpResponse(ics.invitation(meeting), content_type=ics.content_type(meeting))
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


def meeting_log(request: HttpRequest, pk: int) -> HttpResponse:
    """The "How did it go?" link: straight to the pair's session form, filled in from the
    meeting."""
    meeting = get_meeting_for_member(request.user, pk)
    local = timezone.localtime(meeting.start)
    query = urlencode(
        {
            "occurred_at": local.strftime(DATETIME_FORMAT),
            "duration_minutes": meeting.duration_minutes,
            "format": meeting.format,
        }
    )
    return redirect(f"{meeting.mentorship.get_absolute_url()}?{query}#log-session")


# --- Calendar feed ----------------------------------------------------------------------------


def calendar_settings(request: HttpRequest) -> HttpResponse:
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(
        request,
        "scheduling/calendar_settings.html",
        {"feed": feed, "feed_url": absolute_url(feed.get_absolute_url()) if feed else None},
    )


@require_POST
def calendar_renew(request: HttpRequest) -> HttpResponse:
    had_one = CalendarFeed.objects.filter(user=request.user).exists()
    services.calendar_feed_renew(user=request.user)
    messages.success(
        request,
        _("New calendar address created; the old one no longer works.")
        if had_one
        else _("Calendar address created. Add it to your calendar app."),
    )
    return redirect("scheduling:calendar_settings")


@require_POST
def calendar_revoke(request: HttpRequest) -> HttpResponse:
    services.calendar_feed_revoke(user=request.user)
    messages.success(request, _("Calendar address switched off."))
    return redirect("scheduling:calendar_settings")


@login_not_required
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Calendar apps cannot sign in: the secret token in the address is the key."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    if not feed.user.is_active:
        raise Http404
    since = timezone.now() - timezone.timedelta(days=FEED_HISTORY_DAYS)
    meetings = with_people(
        meetings_of(feed.user).filter(status=Meeting.Status.SCHEDULED, start__gte=since)
    )
    CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=timezone.now())
    response = HttpResponse(ics.feed(meetings), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Coordinators: reminder times ---------------------------------------------------------------


def reminder_settings(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    current = reminder_offsets().get(program.pk, DEFAULT_REMINDER_OFFSETS)
    form = ReminderScheduleForm(request.POST or None, initial={"offsets": format_offsets(current)})
    if request.method == "POST" and form.is_valid():
        services.reminder_schedule_set(
            program=program, offsets_minutes=form.cleaned_data["offsets"]
        )
        messages.success(request, _("Reminder times saved; they apply to every upcoming meeting."))
        return redirect(reverse("scheduling:reminder_settings", args=[program.slug]))
    return render(request, "scheduling/reminder_settings.html", {"form": form, "program": program})
