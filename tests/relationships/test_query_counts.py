"""Hot pages cost the same number of queries at any size (STYLE: two data sizes)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conversations.models import Message
from goals.models import CheckIn, Goal, Milestone
from profiles.models import Person
from relationships.models import Agreement, AgreementConfirmation, Mentorship, MentorshipEvent
from sessions.models import PrivateNote, SessionLog, SessionRating
from tests.factories import UserFactory


def bulk_pairs(cohort, mentor: Person | None, count: int, start: int) -> list[Mentorship]:
    """`count` active pairs with a goal, two sessions and ratings, written with bulk_create."""
    now = timezone.now()
    users = UserFactory._meta.model.objects.bulk_create(
        [
            UserFactory.build(email=f"bulk{start + i}@example.org", first_name=f"B{start + i}")
            for i in range(count * (1 if mentor else 2))
        ]
    )
    people = Person.objects.bulk_create([Person(user=user) for user in users])
    mentors = [mentor] * count if mentor else people[count:]
    mentorships = Mentorship.objects.bulk_create(
        [
            Mentorship(
                cohort=cohort,
                mentor=mentors[i],
                status=Mentorship.Status.ACTIVE,
                started_at=now - dt.timedelta(days=60),
            )
            for i in range(count)
        ]
    )
    Mentorship.mentees.through.objects.bulk_create(
        [
            Mentorship.mentees.through(mentorship=m, person=people[i])
            for i, m in enumerate(mentorships)
        ]
    )
    agreements = Agreement.objects.bulk_create(
        [
            Agreement(mentorship=m, cadence_days=14, confidentiality_statement="x")
            for m in mentorships
        ]
    )
    AgreementConfirmation.objects.bulk_create(
        [
            AgreementConfirmation(agreement=a, person=mentors[i], version=1)
            for i, a in enumerate(agreements)
        ]
    )
    Goal.objects.bulk_create(
        [
            Goal(mentorship=m, owner=people[i], title="g", progress=40)
            for i, m in enumerate(mentorships)
        ]
    )
    sessions = SessionLog.objects.bulk_create(
        [
            SessionLog(
                mentorship=m,
                occurred_at=now - dt.timedelta(days=days),
                duration_minutes=30,
                format="video",
                logged_by=people[i],
            )
            for i, m in enumerate(mentorships)
            for days in (40, 10 + i % 30)
        ]
    )
    SessionRating.objects.bulk_create(
        [SessionRating(session=s, person=s.logged_by, rating=4) for s in sessions]
    )
    CheckIn.objects.bulk_create(
        [
            CheckIn(goal=g, author=g.owner, progress=40)
            for g in Goal.objects.filter(mentorship__in=mentorships)
        ]
    )
    return mentorships


def count_queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.django_db
def test_a_mentor_with_many_pairs_costs_the_same_queries(client, active_cohort, mentor):
    client.force_login(mentor.user)
    pages = [reverse("portal:dashboard"), reverse("relationships:mentorship_list")]
    bulk_pairs(active_cohort, mentor, 3, start=0)
    small = [count_queries(client, url)[0] for url in pages]
    bulk_pairs(active_cohort, mentor, 30, start=100)
    large = [count_queries(client, url) for url in pages]
    assert [n for n, _ in large] == small
    assert large[1][1].count("<article") == 33


@pytest.mark.django_db
def test_the_coordinators_health_page_costs_the_same_queries_at_1000_pairs(
    client, active_cohort, coordinator
):
    client.force_login(coordinator)
    url = reverse("relationships:cohort_health", args=[active_cohort.slug])
    bulk_pairs(active_cohort, None, 10, start=0)
    small, _ = count_queries(client, url)
    bulk_pairs(active_cohort, None, 990, start=1000)
    large, html = count_queries(client, url)
    assert large == small
    assert html.count(">Manage</a>") == 1000
    # The coordinator's dashboard panel stays flat too.
    dashboard_small = count_queries(client, reverse("portal:dashboard"))[0]
    bulk_pairs(active_cohort, None, 5, start=5000)
    assert count_queries(client, reverse("portal:dashboard"))[0] == dashboard_small


def busy_history(mentorship: Mentorship, count: int, start: int) -> None:
    """`count` more of each thing the pair page lists: sessions (rated, with a private note),
    goals with milestones and check-ins, messages and status events."""
    now = timezone.now()
    mentor, mentee = mentorship.mentor, mentorship.mentees.get()
    sessions = SessionLog.objects.bulk_create(
        [
            SessionLog(
                mentorship=mentorship,
                occurred_at=now - dt.timedelta(days=start + i + 1),
                duration_minutes=30,
                format="video",
                logged_by=mentee if i % 2 else mentor,
                topics=["feedback"],
            )
            for i in range(count)
        ]
    )
    SessionRating.objects.bulk_create(
        [SessionRating(session=s, person=s.logged_by, rating=4) for s in sessions]
    )
    PrivateNote.objects.bulk_create(
        [PrivateNote(session=s, author=mentor, ciphertext="x") for s in sessions]
    )
    goals = Goal.objects.bulk_create(
        [Goal(mentorship=mentorship, owner=mentee, title=f"g{start + i}") for i in range(count)]
    )
    Milestone.objects.bulk_create([Milestone(goal=g, title="m") for g in goals for _ in range(2)])
    CheckIn.objects.bulk_create([CheckIn(goal=g, author=mentee, progress=20) for g in goals])
    Message.objects.bulk_create(
        [Message(mentorship=mentorship, author=mentee, body=f"hello {i}") for i in range(count)]
    )
    MentorshipEvent.objects.bulk_create(
        [MentorshipEvent(mentorship=mentorship, kind="agreement_updated") for _ in range(count)]
    )


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["", "session", "checkin", "close"])
def test_the_pair_page_costs_the_same_queries_with_a_long_history(client, active_mentorship, form):
    client.force_login(active_mentorship.mentor.user)
    url = reverse("relationships:mentorship_detail", args=[active_mentorship.pk])
    if form:
        url += f"?form={form}"
    # Each size is counted at its second visit: the first one marks the new messages read.
    busy_history(active_mentorship, 2, start=0)
    count_queries(client, url)
    small, _ = count_queries(client, url)
    busy_history(active_mentorship, 25, start=100)
    count_queries(client, url)
    large, html = count_queries(client, url)
    assert large == small
    assert html.count('id="goal-') == 27
    assert "your private note" in html
