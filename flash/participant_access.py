"""Loading a flash event for one of its participants, and what of it is theirs.

A participant sees the event only while they take part in it (an approved enrolment), and
only once its plan is published; everyone else gets 404. What they see is their own: their
rounds, the people they met, their own choices and survey answer, never anyone else's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from flash.models import Attendance, Choice, Meeting, SurveyResponse
from profiles.models import Person
from programs.models import Enrolment, FlashEvent, FlashTable


def events_of(user) -> QuerySet[FlashEvent]:
    """The flash events the user takes part in whose plan is published."""
    if not user.is_authenticated:
        return FlashEvent.objects.none()
    taking_part = Enrolment.objects.filter(
        cohort=OuterRef("cohort"), person__user=user, status=Enrolment.Status.APPROVED
    )
    return (
        FlashEvent.objects.filter(Exists(taking_part), plan__published_at__isnull=False)
        .select_related("cohort__program", "plan")
        .order_by("starts_at", "pk")
    )


DASHBOARD_DAYS = 30  # how long after an event the dashboard still asks for choices and survey


def events_for_dashboard(user) -> QuerySet[FlashEvent]:
    """The user's published events that are coming up or ended in the last few weeks, each with
    `chose` and `surveyed` (whether the user made a choice and answered the survey)."""
    since = timezone.now() - dt.timedelta(days=DASHBOARD_DAYS)
    mine = {"event": OuterRef("pk"), "person__user": user}
    return (
        events_of(user)
        .filter(Q(starts_at__isnull=True) | Q(starts_at__gte=since))
        .annotate(
            chose=Exists(Choice.objects.filter(**mine)),
            surveyed=Exists(SurveyResponse.objects.filter(**mine)),
        )
    )


def get_event_for_participant(user, slug: str) -> FlashEvent:
    return get_object_or_404(events_of(user), cohort__slug=slug)


def has_ended(event: FlashEvent, now: dt.datetime | None = None) -> bool:
    """The last round is over: choosing whom to continue with and the survey open."""
    ends = event.ends_at
    return ends is not None and ends <= (now or timezone.now())


def _absences(event: FlashEvent) -> dict[int, Attendance]:
    return {a.person_id: a for a in Attendance.objects.filter(event=event)}


def _present(meeting: Meeting, absences: dict[int, Attendance]) -> bool:
    return not any(
        person in absences and absences[person].absent_in(meeting.round)
        for person in (meeting.mentee_id, meeting.mentor_id)
    )


def _with_people(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.select_related("mentee__user", "mentor__user", "table")


def one_line(person: Person) -> str:
    """The one-line profile shown next to someone you meet: job title and department."""
    return ", ".join(part for part in (person.job_title, person.department) if part)


@dataclass
class Seat:
    """Someone the viewer meets in a round: the other person, seen from the viewer's side."""

    person: Person
    as_mentor: bool  # the viewer hosts them (the other person is a mentee)

    @property
    def profile(self) -> str:
        return one_line(self.person)


@dataclass
class Round:
    number: int
    starts: dt.datetime | None
    ends: dt.datetime | None
    table: FlashTable | None = None
    seats: list[Seat] = field(default_factory=list)

    @property
    def sitting_out(self) -> bool:
        return not self.seats


def schedule_of(event: FlashEvent, person: Person) -> list[Round]:
    """Every round of the event from the person's side; a round without a seat is one they
    sit out. Two queries whatever the event's size."""
    rounds = {
        n: Round(n, event.round_starts(n), event.round_ends(n)) for n in range(1, event.rounds + 1)
    }
    meetings = _with_people(
        Meeting.objects.filter(Q(mentee=person) | Q(mentor=person), event=event)
    ).order_by("round", "pk")
    for meeting in meetings:
        slot = rounds.get(meeting.round)
        if slot is None:
            continue
        as_mentor = meeting.mentor_id == person.pk
        slot.table = slot.table or meeting.table
        slot.seats.append(Seat(meeting.mentee if as_mentor else meeting.mentor, as_mentor))
    return list(rounds.values())


def people_met(event: FlashEvent, person: Person) -> list[Person]:
    """Whom the person actually met: meetings of rounds both were there for (a no-show or a
    late arrival did not meet the people of the rounds they missed)."""
    absences = _absences(event)
    met: dict[int, Person] = {}
    meetings = _with_people(
        Meeting.objects.filter(Q(mentee=person) | Q(mentor=person), event=event)
    ).order_by("round", "pk")
    for meeting in meetings:
        if _present(meeting, absences):
            other = meeting.mentee if meeting.mentor_id == person.pk else meeting.mentor
            met.setdefault(other.pk, other)
    return list(met.values())


def pairs_met(event: FlashEvent) -> dict[frozenset[int], tuple[int, int]]:
    """Every pair that met at the event: {mentee, mentor} -> (mentee, mentor) person ids."""
    absences = _absences(event)
    pairs: dict[frozenset[int], tuple[int, int]] = {}
    for meeting in Meeting.objects.filter(event=event).only("round", "mentee_id", "mentor_id"):
        if _present(meeting, absences):
            pairs.setdefault(
                frozenset((meeting.mentee_id, meeting.mentor_id)),
                (meeting.mentee_id, meeting.mentor_id),
            )
    return pairs
