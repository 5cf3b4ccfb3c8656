"""Reads for pages that list many mentorships: every figure is an annotation, so a page costs
the same few queries whether it shows three pairs or a thousand."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import (
    Avg,
    Count,
    Exists,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from goals.models import CheckIn, Goal
from profiles.models import Person
from programs.models import Enrolment
from relationships.access import mentorships_of, person_of
from relationships.models import AgreementConfirmation, ClosingSurvey, Mentorship
from sessions.models import SessionLog, SessionRating


def _per_mentorship(queryset: QuerySet, aggregate, output_field):
    """One aggregate over rows that point at the outer mentorship, as a scalar subquery (a
    join per figure would multiply the rows)."""
    return Subquery(
        queryset.filter(mentorship=OuterRef("pk"))
        .order_by()
        .values("mentorship")
        .annotate(value=aggregate)
        .values("value"),
        output_field=output_field,
    )


def with_activity(mentorships: QuerySet[Mentorship]) -> QuerySet[Mentorship]:
    """Status, pulse (Mentorship.with_pulse), counts, goals and average rating: activity,
    never content."""
    ratings = SessionRating.objects.filter(session__mentorship=OuterRef("pk"))
    return (
        mentorships.with_pulse()
        .select_related("cohort__program", "mentor__user")
        .prefetch_related(Prefetch("mentees", queryset=Person.objects.select_related("user")))
        .annotate(
            sessions_count=Coalesce(
                _per_mentorship(SessionLog.objects, Count("pk"), IntegerField()), Value(0)
            ),
            goals_count=Coalesce(
                _per_mentorship(
                    Goal.objects.exclude(status=Goal.Status.DROPPED), Count("pk"), IntegerField()
                ),
                Value(0),
            ),
            goals_achieved=Coalesce(
                _per_mentorship(
                    Goal.objects.filter(status=Goal.Status.ACHIEVED), Count("pk"), IntegerField()
                ),
                Value(0),
            ),
            goals_progress=_per_mentorship(
                Goal.objects.exclude(status=Goal.Status.DROPPED), Avg("progress"), FloatField()
            ),
            average_rating=Subquery(
                ratings.order_by()
                .values("session__mentorship")
                .annotate(value=Avg("rating"))
                .values("value"),
                output_field=FloatField(),
            ),
        )
    )


def cohort_health(cohort) -> QuerySet[Mentorship]:
    return with_activity(cohort.mentorships.all()).order_by("status", "pk")


def cohorts_pulse(mentorships: QuerySet[Mentorship]) -> dict[int, dict[str, int]]:
    """Per cohort id: pairs, active pairs and stalled pairs, from one light query."""
    rows = mentorships.with_pulse().values_list("cohort_id", "status", "stalled")
    pulse: dict[int, dict[str, int]] = {}
    for cohort_id, status, stalled in rows:
        counts = pulse.setdefault(cohort_id, {"pairs": 0, "active": 0, "stalled": 0})
        counts["pairs"] += 1
        counts["active"] += status == Mentorship.Status.ACTIVE
        counts["stalled"] += stalled
    return pulse


def quiet_pairs(mentorships: QuerySet[Mentorship], limit: int) -> list[Mentorship]:
    """The stalled pairs among `mentorships`, quiet longest first, with their members and
    pulse, for cards. Two queries."""
    return list(
        mentorships.with_pulse()
        .filter(stalled=True)
        .select_related("mentor__user", "cohort__program")
        .prefetch_related(Prefetch("mentees", queryset=Person.objects.select_related("user")))
        .order_by("last_contact_at", "pk")[:limit]
    )


def for_participant(mentorships: QuerySet[Mentorship], person) -> QuerySet[Mentorship]:
    """A participant's mentorships with health and what needs them."""
    agreement_version = OuterRef("agreement__version")
    others_unconfirmed = SessionLog.objects.filter(confirmed_at=None).exclude(logged_by=person)
    unrated = SessionLog.objects.exclude(
        Exists(SessionRating.objects.filter(session=OuterRef("pk"), person=person))
    )
    return with_activity(mentorships).annotate(
        i_confirmed_agreement=Exists(
            AgreementConfirmation.objects.filter(
                agreement__mentorship=OuterRef("pk"), person=person, version=agreement_version
            )
        ),
        sessions_to_confirm=Coalesce(
            _per_mentorship(others_unconfirmed, Count("pk"), IntegerField()), Value(0)
        ),
        sessions_to_rate=Coalesce(_per_mentorship(unrated, Count("pk"), IntegerField()), Value(0)),
        survey_done=Exists(ClosingSurvey.objects.filter(mentorship=OuterRef("pk"), person=person)),
    )


def timeline(
    mentorship: Mentorship, *, sessions: list[SessionLog] | None = None, limit: int = 60
) -> list[dict]:
    """Sessions, check-ins and agreement and status changes, newest first. `sessions`: all
    the pair's sessions with their loggers, when the caller has them already."""
    if sessions is None:
        newest = mentorship.sessions.select_related("logged_by__user").order_by("-occurred_at")
        sessions = list(newest[:limit])
    else:
        sessions = sorted(sessions, key=lambda session: session.occurred_at, reverse=True)
    items: list[dict] = []
    for session in sessions[:limit]:
        items.append({"kind": "session", "at": session.occurred_at, "session": session})
    for checkin in (
        CheckIn.objects.filter(goal__mentorship=mentorship)
        .select_related("goal", "author__user")
        .order_by("-created_at")[:limit]
    ):
        items.append({"kind": "checkin", "at": checkin.created_at, "checkin": checkin})
    for event in mentorship.events.select_related("actor").order_by("-created_at")[:limit]:
        items.append({"kind": "event", "at": event.created_at, "event": event})
    items.sort(key=lambda item: item["at"], reverse=True)
    return items[:limit]


def participant_overview(user) -> list[Mentorship]:
    """The user's mentorships, each with its health, its partners and what needs the user.
    A fixed number of queries however many pairs a mentor has."""
    me = person_of(user)
    if me is None:
        return []
    rows = list(for_participant(mentorships_of(user), me).order_by("-created_at"))
    now = timezone.now()
    for mentorship in rows:
        mentorship.partners = [p for p in mentorship.members() if p.pk != me.pk]
        mentorship.i_am_mentor = mentorship.mentor_id == me.pk
        if mentorship.started_at:
            days = (now - mentorship.started_at).days
            mentorship.expected_sessions = max(1, days // mentorship.cadence_days)
        else:
            mentorship.expected_sessions = 0
        mentorship.to_set_goals = (
            not mentorship.goals_count
            and not mentorship.is_ended
            and (mentorship.is_peer or not mentorship.i_am_mentor)
        )
        mentorship.needs_me = (
            (not mentorship.i_confirmed_agreement and not mentorship.is_ended)
            or mentorship.to_set_goals
            or mentorship.sessions_to_confirm
            or mentorship.sessions_to_rate
            or (mentorship.is_ended and not mentorship.survey_done)
        )
    return rows


def attach_cards(mentorship: Mentorship, members: list[Person]) -> None:
    """What a member's card shows beyond their profile: their enrolment in the pair's cohort
    (what they offer and want) as `member.enrolment`, and their side as `member.role_label`.
    One query."""
    by_person = {
        e.person_id: e
        for e in Enrolment.objects.filter(
            cohort_id=mentorship.cohort_id, person__in=[m.pk for m in members]
        )
    }
    roles = mentorship.roles
    for member in members:
        member.enrolment = by_person.get(member.pk)
        member.role_label = roles.mentor if member.pk == mentorship.mentor_id else roles.mentee


def member_user_ids(mentorship_ids: Iterable[int]) -> dict[int, list[int]]:
    """Mentorship id -> the user ids of its members (mentor first), in two queries."""
    ids = list(set(mentorship_ids))
    members: dict[int, list[int]] = defaultdict(list)
    for pk, user_id in Mentorship.objects.filter(pk__in=ids).values_list("pk", "mentor__user_id"):
        members[pk].append(user_id)
    for pk, user_id in Mentorship.mentees.through.objects.filter(mentorship_id__in=ids).values_list(
        "mentorship_id", "person__user_id"
    ):
        if user_id not in members[pk]:
            members[pk].append(user_id)
    return members


def is_member(mentorship_id: int, user_id: int) -> bool:
    return user_id in member_user_ids([mentorship_id]).get(mentorship_id, [])


def pulse_summary(mentorship) -> tuple[list[dict], list]:
    """For the pair's coordinator: per survey round, how many answered and the average rating;
    and the comments the pair chose to send (an unshared comment is never loaded)."""
    rounds = [
        {"number": row["round"] + 1, "answers": row["answers"], "average": row["average"]}
        for row in mentorship.pulse_answers.values("round")
        .order_by("round")
        .annotate(answers=Count("pk"), average=Avg("rating"))
    ]
    shared = list(
        mentorship.pulse_answers.filter(share_with_coordinator=True)
        .exclude(comment="")
        .select_related("person__user")
    )
    return rounds, shared
