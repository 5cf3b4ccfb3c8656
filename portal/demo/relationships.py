"""Demo relationships in the active cohort: agreements confirmed, goals with milestones and
check-ins, about eight weeks of sessions, and one pair gone quiet (stalled).

Called by seed_demo after matching has published the cohort's pairs. Safe to call again."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from goals.models import Goal
from goals.services import goal_checkin, goal_create, milestone_toggle
from matching.rules import pairing_check
from portal.demo import MENTEE_EMAIL, MENTOR_EMAIL
from programs.models import Cohort, Enrolment
from relationships.models import ClosingQuestion, Mentorship
from relationships.services import agreement_confirm, agreement_update, mentorship_create
from sessions.models import SessionLog
from sessions.services import private_note_save, session_confirm, session_log, session_rate

COHORT = "autumn-2026"
WEEKS = 8

GOALS = [
    ("Run a design review end to end", "The team adopts the outcome without escalation",
     ["Shadow two reviews", "Write the agenda template", "Facilitate one review"]),
    ("Give harder feedback earlier", "Two difficult conversations held within a week of the event",
     ["Read Radical Candor", "Practise with my mentor", "Hold the first conversation"]),
    ("Prepare for the staff engineer promotion", "A promotion packet my manager signs off",
     ["List my impact", "Get two sponsor conversations", "Draft the packet"]),
    ("Speak at the internal tech talk", "Deliver a 20-minute talk with questions",
     ["Pick a topic", "Dry run with the team", "Give the talk"]),
    ("Delegate more of my on-call work", "Half the incidents handled by others by the end",
     ["Write runbooks", "Pair on two incidents"]),
]  # fmt: skip
TOPICS = ["career", "feedback", "delegation", "communication", "promotion", "stakeholders",
          "public speaking", "prioritisation", "conflict"]  # fmt: skip
SHARED_NOTES = [
    "Talked through the last project retro and what to try differently next time.",
    "Agreed to draft the talk outline before our next session.",
    "Role-played a difficult conversation; next step is to hold the real one.",
    "Reviewed progress on the goals; the first milestone is done.",
    "Discussed how to say no to extra work without burning bridges.",
]
PRIVATE_NOTES = [
    "Seems more confident than last time; push on the stretch goal.",
    "Worth asking next time how the team change is going.",
    "Remember to share the negotiation article.",
]
CLOSING_QUESTIONS = [
    ("The sessions helped me make progress on my goals.", ClosingQuestion.Kind.SCALE),
    ("My partner was well prepared and responsive.", ClosingQuestion.Kind.SCALE),
    ("What would you change about the program?", ClosingQuestion.Kind.TEXT),
]


def seed(stdout) -> None:
    cohort = Cohort.objects.select_related("program").filter(slug=COHORT).first()
    if cohort is None:
        stdout.write(f"Relationships: no cohort {COHORT!r}, skipped.")
        return
    if SessionLog.objects.filter(mentorship__cohort=cohort).exists():
        stdout.write(f"Relationships: {COHORT} already has sessions.")
        return
    with transaction.atomic():
        count, stalled = _seed(cohort)
    stdout.write(
        f"Relationships: {count} active pairs in {COHORT} with goals and sessions; "
        f"1 stalled (mentorship #{stalled.pk})."
    )


def _pairs(cohort: Cohort) -> list[Mentorship]:
    mentorships = list(cohort.mentorships.select_related("mentor__user").order_by("pk"))
    if mentorships:
        return mentorships
    # No matching ran: pair approved mentors and mentees by hand, as a coordinator would.
    approved = cohort.enrolments.filter(status=Enrolment.Status.APPROVED).select_related("person")
    mentors = [e.person for e in approved.filter(role=Enrolment.Role.MENTOR).order_by("pk")]
    mentees = [e.person for e in approved.filter(role=Enrolment.Role.MENTEE).order_by("pk")]
    pairs = []
    for mentee in mentees:
        # Each mentee with the first mentor still free whom the pairing rules allow.
        mentor = next(
            (m for m in mentors if not pairing_check(cohort=cohort, mentor=m, mentee=mentee)), None
        )
        if mentor is None:
            continue
        mentors.remove(mentor)
        pairs.append(
            mentorship_create(
                cohort=cohort, mentor=mentor, mentees=[mentee], source=Mentorship.Source.MANUAL
            )
        )
        if len(pairs) == 6:
            break
    return pairs


def _seed(cohort: Cohort) -> tuple[int, Mentorship]:
    rng = random.Random(f"{COHORT}:relationships")
    now = timezone.now()
    start = now - dt.timedelta(weeks=WEEKS, days=3)
    program = cohort.program
    if not program.closing_questions.exists():
        ClosingQuestion.objects.bulk_create(
            [
                ClosingQuestion(program=program, text=text, kind=kind, position=i)
                for i, (text, kind) in enumerate(CLOSING_QUESTIONS)
            ]
        )
    pairs = [m for m in _pairs(cohort) if not m.is_ended]
    demo = {MENTOR_EMAIL, MENTEE_EMAIL}
    # The quiet pair is one nobody signs in as, so the demo logins show a healthy pair.
    quiet = next(
        (m for m in reversed(pairs) if not {p.user.email for p in m.members()} & demo), pairs[-1]
    )
    for mentorship in pairs:
        mentor, *mentees = mentorship.members()
        if mentorship.status == Mentorship.Status.PROPOSED:
            agreement_update(
                mentorship=mentorship,
                actor=mentor.user,
                cadence_days=program.cadence_days,
                preferred_format=rng.choice(["video", "in_person"]),
                mentor_commitments="Come prepared, reply within two working days, give "
                "candid feedback.",
                mentee_commitments="Own the agenda, send it a day ahead, follow up on "
                "agreed actions.",
            )
            for person in (mentor, *mentees):
                agreement_confirm(mentorship=mentorship, person=person, actor=person.user)
        started = start
        if mentorship == quiet:
            started = min(start, now - dt.timedelta(days=2 * mentorship.cadence + 9))
        Mentorship.objects.filter(pk=mentorship.pk).update(started_at=started)
        mentorship.refresh_from_db()
        goals = _goals(mentorship, mentees, rng, start)
        _sessions(mentorship, mentor, mentees, goals, rng, start, quiet=mentorship == quiet)
    return len(pairs), quiet


def _goals(mentorship, mentees, rng, start) -> list[Goal]:
    goals = []
    for mentee in mentees:
        for title, measure, milestones in rng.sample(GOALS, 2):
            goal = goal_create(
                mentorship=mentorship,
                owner=mentee,
                title=title,
                success_measure=measure,
                target_date=(start + dt.timedelta(weeks=20)).date(),
                milestones=milestones,
            )
            progress = 0
            for week in (2, 4, 6):
                progress = min(100, progress + rng.choice([10, 15, 20, 25]))
                goal_checkin(
                    goal=goal,
                    author=mentee,
                    progress=progress,
                    note=rng.choice(["Small steps", "Good week", "Blocked by a deadline", ""]),
                    on=(start + dt.timedelta(weeks=week)).date(),
                )
            for milestone in goal.milestones.all()[: progress // 35]:
                milestone_toggle(milestone=milestone, person=mentee)
            goals.append(goal)
    return goals


def _sessions(mentorship, mentor, mentees, goals, rng, start, *, quiet: bool) -> None:
    cadence = mentorship.cadence
    now = timezone.now()
    if quiet:
        # Met once, early on, and not since: more than twice the cadence ago.
        dates = [now - dt.timedelta(days=2 * cadence + 5)]
    else:
        dates = [start + dt.timedelta(days=day) for day in range(5, WEEKS * 7 - 1, cadence)]
        dates = [when for when in dates if when < now - dt.timedelta(days=1)]
    for index, day in enumerate(dates):
        when = day.replace(hour=rng.choice([9, 11, 14, 16]), minute=0)
        last = index == len(dates) - 1
        logger = mentor if index % 2 == 0 else rng.choice(mentees)
        session = session_log(
            mentorship=mentorship,
            person=logger,
            occurred_at=when,
            duration_minutes=rng.choice([30, 45, 60]),
            format=rng.choice(["video", "in_person", "phone"]),
            topics=rng.sample(TOPICS, 2),
            goals=rng.sample(goals, min(len(goals), 1)),
            shared_notes=rng.choice(SHARED_NOTES),
            private_note=rng.choice(PRIVATE_NOTES) if logger == mentor else "",
            rating=rng.choice([4, 5, 5]),
        )
        if last and not quiet:
            continue  # the newest session waits for the other side to confirm and rate
        other = rng.choice(mentees) if logger == mentor else mentor
        session_confirm(session=session, person=other)
        session_rate(session=session, person=other, rating=rng.choice([3, 4, 5, 5]))
        if other == mentor:
            private_note_save(session=session, author=mentor, body=rng.choice(PRIVATE_NOTES))
