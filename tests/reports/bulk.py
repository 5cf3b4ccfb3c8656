"""Many pairs at once, with bulk_create: for the query-count test (and the benchmark's shape)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from goals.models import Goal
from profiles.models import Person
from programs.models import Enrolment
from relationships.models import ClosingSurvey, Mentorship
from sessions.models import SessionLog, SessionRating
from tests.factories import UserFactory


def add_pairs(cohort, count: int, *, departments=("Eng", "Sales", "Ops")) -> None:
    """`count` active one-to-one pairs, each with two sessions, a rating, a goal and, for every
    third, an ending and a survey."""
    now = timezone.now()
    users = UserFactory._meta.model.objects.bulk_create(
        [UserFactory.build(email=f"bulk-report-{i}@example.org") for i in range(2 * count)]
    )
    people = Person.objects.bulk_create(
        [
            Person(user=user, department=departments[i % len(departments)], seniority=1 + i % 10)
            for i, user in enumerate(users)
        ]
    )
    mentors, mentees = people[:count], people[count:]
    Enrolment.objects.bulk_create(
        [Enrolment(cohort=cohort, person=p, role="mentor", status="approved") for p in mentors]
        + [Enrolment(cohort=cohort, person=p, role="mentee", status="approved") for p in mentees]
    )
    ended = [i % 3 == 0 for i in range(count)]
    pairs = Mentorship.objects.bulk_create(
        [
            Mentorship(
                cohort=cohort,
                mentor=mentors[i],
                status="completed" if ended[i] else "active",
                started_at=now - dt.timedelta(days=90),
                ended_at=now - dt.timedelta(days=1) if ended[i] else None,
                close_reason="goals_met" if ended[i] else "",
            )
            for i in range(count)
        ]
    )
    Mentorship.mentees.through.objects.bulk_create(
        [Mentorship.mentees.through(mentorship=m, person=mentees[i]) for i, m in enumerate(pairs)]
    )
    sessions = SessionLog.objects.bulk_create(
        [
            SessionLog(
                mentorship=m,
                occurred_at=now - dt.timedelta(days=days),
                duration_minutes=45,
                format="video",
            )
            for m in pairs
            for days in (40, 5)
        ]
    )
    SessionRating.objects.bulk_create(
        [SessionRating(session=s, person=s.mentorship.mentor, rating=4) for s in sessions[::2]]
    )
    Goal.objects.bulk_create(
        [Goal(mentorship=m, owner=mentees[i], title="g") for i, m in enumerate(pairs)]
    )
    ClosingSurvey.objects.bulk_create(
        [
            ClosingSurvey(mentorship=m, person=mentees[i], role="mentee", recommend_score=9)
            for i, m in enumerate(pairs)
            if ended[i]
        ]
    )
