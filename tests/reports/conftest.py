"""A small organisation whose every report figure is worked out by hand in test_figures.py.

Clock: 2027-06-30 12:00 UTC. One program, one cohort, everyone enrolled on 2027-01-01.

    mentors  M1 Eng s7 · M2 Sales s8 · M3 Eng s9            (approved)
    mentees  E1 Eng s2 · E2 Eng s3 · E3 Sales s5 · E4 Sales s4 · E5 Eng s1   (approved)
    applied  A1 Sales s2 (mentee) · A2 Eng s6 (mentor)

    P1  M1 -> E1        created 01-11  active        sessions 03-01 90' · 06-10 30' · 06-20 60'
    P2  M2 -> E3        created 01-21  completed 05-01            sessions 03-02 60' · 04-15 60'
    P3  M3 -> E2, E4    created 01-31  closed early (no time) 06-25  session 06-15 120'

    ratings  06-20: E1 5, M1 4 · 03-02: E3 3 · 06-15: M3 2
    goals    E1: achieved, in progress · E3: achieved · E2: dropped
    surveys  P2: M2 10, E3 9 · P3: E2 6, E4 8, M3 7
    pulse    P1: E1 5 (comment shared), M1 4 · P2: E3 4 · P3: E2 2, E4 3 (comment kept)

Every free-text field holds SENTINEL, which must never reach a report.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from goals.models import CheckIn, Goal
from programs.models import Cohort, Enrolment, MeetingFormat
from relationships.models import ClosingSurvey, Mentorship, PulseAnswer
from sessions.models import SessionLog, SessionRating
from sessions.services import private_note_save
from tests.factories import CohortFactory, PersonFactory, ProgramFactory, UserFactory

SENTINEL = "sentinel-report-content-3f9a"
NOW = dt.datetime(2027, 6, 30, 12, tzinfo=dt.UTC)


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2027, month, day, 12, tzinfo=dt.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def org(db, frozen, make_user):
    program = ProgramFactory(name="Ours", slug="ours")
    cohort = CohortFactory(
        program=program, name="2027", slug="ours-2027", status=Cohort.Status.ACTIVE
    )
    coordinator = make_user(email="coordinator@example.org")
    program.coordinators.add(coordinator)

    def person(name: str, department: str, seniority: int):
        user = make_user(email=f"{name.lower()}@example.org", first_name=name, last_name="X")
        return PersonFactory(user=user, department=department, seniority=seniority)

    people = {
        "M1": person("M1", "Eng", 7),
        "M2": person("M2", "Sales", 8),
        "M3": person("M3", "Eng", 9),
        "E1": person("E1", "Eng", 2),
        "E2": person("E2", "Eng", 3),
        "E3": person("E3", "Sales", 5),
        "E4": person("E4", "Sales", 4),
        "E5": person("E5", "Eng", 1),
        "A1": person("A1", "Sales", 2),
        "A2": person("A2", "Eng", 6),
    }
    Role, Status = Enrolment.Role, Enrolment.Status
    roles = {"M": Role.MENTOR, "E": Role.MENTEE}
    for name, p in people.items():
        if name.startswith("A"):
            role, status = (Role.MENTEE if name == "A1" else Role.MENTOR), Status.APPLIED
        else:
            role, status = roles[name[0]], Status.APPROVED
        Enrolment.objects.create(cohort=cohort, person=p, role=role, status=status)
    Enrolment.objects.update(created_at=at(1, 1))

    def pair(mentor, mentees, created, status, ended=None, reason=""):
        m = Mentorship.objects.create(
            cohort=cohort,
            mentor=people[mentor],
            status=status,
            started_at=created + dt.timedelta(days=1),
            ended_at=ended,
            close_reason=reason,
            close_comment=SENTINEL if ended else "",
        )
        m.mentees.set([people[n] for n in mentees])
        Mentorship.objects.filter(pk=m.pk).update(created_at=created)
        return m

    Pair, Why = Mentorship.Status, Mentorship.CloseReason
    p1 = pair("M1", ["E1"], at(1, 11), Pair.ACTIVE)
    p2 = pair("M2", ["E3"], at(1, 21), Pair.COMPLETED, at(5, 1), Why.GOALS_MET)
    p3 = pair("M3", ["E2", "E4"], at(1, 31), Pair.CLOSED, at(6, 25), Why.NO_TIME)

    def session(mentorship, when, minutes, ratings=()):
        s = SessionLog.objects.create(
            mentorship=mentorship,
            occurred_at=when,
            duration_minutes=minutes,
            format=MeetingFormat.VIDEO,
            topics=[SENTINEL],
            shared_notes=SENTINEL,
            logged_by=mentorship.mentor,
        )
        for name, rating in ratings:
            SessionRating.objects.create(
                session=s, person=people[name], rating=rating, feedback=SENTINEL
            )
        private_note_save(session=s, author=mentorship.mentor, body=SENTINEL)
        return s

    session(p1, at(3, 1), 90)
    session(p1, at(6, 10), 30)
    session(p1, at(6, 20), 60, [("E1", 5), ("M1", 4)])
    session(p2, at(3, 2), 60, [("E3", 3)])
    session(p2, at(4, 15), 60)
    session(p3, at(6, 15), 120, [("M3", 2)])

    for mentorship, owner, status in (
        (p1, "E1", Goal.Status.ACHIEVED),
        (p1, "E1", Goal.Status.IN_PROGRESS),
        (p2, "E3", Goal.Status.ACHIEVED),
        (p3, "E2", Goal.Status.DROPPED),
    ):
        goal = Goal.objects.create(
            mentorship=mentorship,
            owner=people[owner],
            title=SENTINEL,
            success_measure=SENTINEL,
            status=status,
        )
        CheckIn.objects.create(goal=goal, author=people[owner], progress=10, note=SENTINEL)
    Goal.objects.update(created_at=at(2, 1))

    for mentorship, name, score in (
        (p2, "M2", 10),
        (p2, "E3", 9),
        (p3, "E2", 6),
        (p3, "E4", 8),
        (p3, "M3", 7),
    ):
        ClosingSurvey.objects.create(
            mentorship=mentorship,
            person=people[name],
            role=Role.MENTOR if name.startswith("M") else Role.MENTEE,
            recommend_score=score,
            answers={"1": SENTINEL},
            comment=SENTINEL,
            submitted_at=mentorship.ended_at,
        )
    for mentorship, name, rating, shared in (
        (p1, "E1", 5, True),
        (p1, "M1", 4, False),
        (p2, "E3", 4, False),
        (p3, "E2", 2, False),
        (p3, "E4", 3, False),
    ):
        PulseAnswer.objects.create(
            mentorship=mentorship,
            person=people[name],
            round=0,
            rating=rating,
            comment=SENTINEL,
            share_with_coordinator=shared,
        )
    return {
        "program": program,
        "cohort": cohort,
        "coordinator": coordinator,
        "people": people,
        "pairs": {"P1": p1, "P2": p2, "P3": p3},
        "hr": make_user(email="hr@example.org", is_hr_viewer=True),
    }


@pytest.fixture
def other_coordinator(org, make_user):
    """A coordinator of another program, which has people of its own."""
    user = make_user(email="other-coordinator@example.org")
    program = ProgramFactory(name="Theirs", slug="theirs")
    program.coordinators.add(user)
    cohort = CohortFactory(program=program, name="Theirs 2027", slug="theirs-2027")
    for i in range(3):
        Enrolment.objects.create(
            cohort=cohort,
            person=PersonFactory(user=UserFactory(email=f"theirs{i}@example.org")),
            role=Enrolment.Role.MENTEE,
            status=Enrolment.Status.APPROVED,
        )
    return user
