"""Mentorships, goals and sessions: the pair sees its own, coordinators see activity, everyone
else gets 404."""

from __future__ import annotations

from tests.permissions import (
    ADMIN,
    COORD,
    MENTEE,
    MENTOR,
    OTHER_COORD,
    Case,
    coordinators_only,
    everyone,
    signed_in,
)


def members(status: int, **overrides: int | str) -> dict[str, int | str]:
    return signed_in(404, **{MENTOR: status, MENTEE: status}) | overrides


def pair(world: dict) -> dict:
    return {"pk": world["mentorship"].pk}


def cohort(world: dict) -> dict:
    return {"slug": world["cohort"].slug}


def pulse(world: dict) -> dict:
    """The mentee's link for the first pulse survey, rating 4 (the link is the authority)."""
    from relationships.pulse import pulse_token

    return {"token": pulse_token(world["mentorship"].pk, world["users"][MENTEE].pk, 0), "rating": 4}


def session(world: dict) -> dict:
    return {"pk": world["session"].pk}


CASES: dict[str, Case] = {
    "relationships:mentorship_list": Case(signed_in(200)),
    "relationships:mentorship_detail": Case(members(200), pair),
    "relationships:agreement_edit": Case(members(200), pair),
    "relationships:agreement_confirm": Case(members(302), pair, "post"),
    "relationships:mentorship_transition": Case(
        members(302, **{COORD: 302, ADMIN: 302}), pair, "post"
    ),
    "relationships:closing_survey": Case(members(200), pair),
    "relationships:mentorship_manage": Case(coordinators_only(200), pair),
    "relationships:cohort_health": Case(coordinators_only(200), cohort),
    "relationships:mentorship_new": Case(coordinators_only(200), cohort),
    "relationships:closing_questions": Case(
        coordinators_only(200), lambda w: {"slug": w["program"].slug}
    ),
    "relationships:closing_question_delete": Case(
        coordinators_only(302),
        lambda w: {"slug": w["program"].slug, "pk": w["closing_question"].pk},
        "post",
    ),
    "goals:goal_create": Case(members(200, **{MENTOR: 403}), pair),
    "goals:checkin_create": Case(members(200), pair, "post"),
    "goals:goal_edit": Case(members(200, **{MENTOR: 403}), lambda w: {"pk": w["goal"].pk}),
    "goals:milestone_toggle": Case(members(302), lambda w: {"pk": w["milestone"].pk}, "post"),
    "sessions:session_log": Case(members(302), pair),
    "sessions:session_detail": Case(members(200), session),
    "sessions:session_confirm": Case(members(302), session, "post"),
    "sessions:session_correct": Case(members(200, **{MENTOR: 302}), session),
    "sessions:session_rate": Case(members(200), session, "post"),
    "sessions:private_note_save": Case(members(302), session, "post"),
    "relationships:pulse_answer": Case(everyone(200), pulse),
    # The mentor has a photo (extend_world): the pair and the program's coordinators see it.
    "relationships:member_photo": Case(
        members(200, **{COORD: 200, ADMIN: 200}),
        lambda w: {"pk": w["mentorship"].pk, "person_pk": w["mentorship"].mentor_id},
    ),
    # Your own photo, for the profile page: 404 for everyone without one.
    "profiles:my_photo": Case(signed_in(404, **{MENTOR: 200})),
    "conversations:thread": Case(members(200), pair),
    # An empty message: the thread again, with the field's error.
    "conversations:message_send": Case(members(200), pair, "post"),
    "conversations:unread_badge": Case(signed_in(200)),
    "conversations:message_report": Case(members(200), lambda w: {"pk": w["message"].pk}),
    # Whoever may run programs; the page lists only reports from their own programs.
    "conversations:reported_messages": Case(
        signed_in(404, **{COORD: 200, OTHER_COORD: 200, ADMIN: 200})
    ),
}


def extend_world(world: dict) -> None:
    import datetime as dt

    from django.utils import timezone

    from conversations.services import message_send
    from goals.services import goal_create
    from profiles.photos import photo_from_upload
    from profiles.services import profile_photo_set
    from relationships.models import ClosingQuestion, PulseAnswer
    from relationships.services import agreement_confirm, mentorship_create
    from sessions.services import session_log
    from tests.support.images import image_bytes, upload

    mentor, mentee = (world["users"][role].person for role in (MENTOR, MENTEE))
    # People are paired only as approved participants of the cohort.
    world["cohort"].enrolments.filter(person__in=[mentor, mentee]).update(status="approved")
    mentorship = mentorship_create(cohort=world["cohort"], mentor=mentor, mentees=[mentee])
    for person in (mentor, mentee):
        agreement_confirm(mentorship=mentorship, person=person)
    mentorship.refresh_from_db()
    profile_photo_set(person=mentor, photo=photo_from_upload(upload(image_bytes())))
    goal = goal_create(mentorship=mentorship, owner=mentee, title="Speak up", milestones=["One"])
    world.update(
        {
            "mentorship": mentorship,
            "goal": goal,
            "milestone": goal.milestones.get(),
            "session": session_log(
                mentorship=mentorship,
                person=mentor,
                occurred_at=timezone.now() - dt.timedelta(days=3),
                duration_minutes=30,
                format="video",
                private_note="mine",
            ),
            # Answered already: the round-trip matrix saves the pulse page unchanged.
            "pulse_answer": PulseAnswer.objects.create(
                mentorship=mentorship, person=mentee, round=0, rating=4
            ),
            "message": message_send(mentorship=mentorship, author=mentor, body="Hello!"),
            "closing_question": ClosingQuestion.objects.create(
                program=world["program"], text="Did you reach your goals?"
            ),
        }
    )
