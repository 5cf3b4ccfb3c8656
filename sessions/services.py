from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dateranges import session_time_error
from notifications.models import WebhookEvent
from notifications.services import webhooks_emit
from relationships.models import Mentorship
from relationships.services import TransitionError
from sessions import crypto
from sessions.models import PrivateNote, SessionLog, SessionRating

logger = logging.getLogger(__name__)

LOGGABLE = (Mentorship.Status.ACTIVE, Mentorship.Status.PAUSED)


class SessionAlreadyLogged(TransitionError):
    """The pair has a log at this date and time (a double submit, or both sides logging)."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "A session at this date and time is already logged for your pair. Open it "
                "from the timeline to confirm, correct or rate it."
            )
        )


class SessionTimeOutOfRange(TransitionError):
    """The date and time lie outside the cohort's life (before it, or in the future)."""


def _check_time_in_range(mentorship: Mentorship, occurred_at: datetime) -> None:
    if message := session_time_error(occurred_at, cohort_start=mentorship.cohort.start_date):
        raise SessionTimeOutOfRange(message)


def _check_time_free(mentorship_id: int, occurred_at: datetime, *, besides=None) -> None:
    """One log per pair and time. The pair's row is locked first, so two submits at once (a
    double click) cannot both pass; the unique constraint is the guarantee behind this."""
    list(Mentorship.objects.select_for_update().filter(pk=mentorship_id).values_list("pk"))
    logs = SessionLog.objects.filter(mentorship_id=mentorship_id, occurred_at=occurred_at)
    if besides is not None:
        logs = logs.exclude(pk=besides.pk)
    if logs.exists():
        raise SessionAlreadyLogged


def _check_member(mentorship: Mentorship, person) -> None:
    if not mentorship.is_member(person):
        raise TransitionError(_("Only the people in this mentorship log its sessions."))


def _clean_topics(topics: Sequence[str]) -> list[str]:
    seen: dict[str, None] = {}
    for topic in topics:
        topic = " ".join(topic.split()).lower()[:40]
        if topic:
            seen.setdefault(topic)
    return list(seen)[:10]


@transaction.atomic
def session_log(
    *,
    mentorship: Mentorship,
    person,
    occurred_at: datetime,
    duration_minutes: int,
    format: str,
    topics: Sequence[str] = (),
    goals: Sequence = (),
    shared_notes: str = "",
    private_note: str = "",
    rating: int | None = None,
    feedback: str = "",
) -> SessionLog:
    """Log a session for the pair. The other side then confirms it or corrects it."""
    _check_member(mentorship, person)
    if mentorship.status not in LOGGABLE:
        raise TransitionError(_("Sessions are logged while the mentorship is active or paused."))
    _check_time_in_range(mentorship, occurred_at)
    _check_time_free(mentorship.pk, occurred_at)
    session = SessionLog.objects.create(
        mentorship=mentorship,
        occurred_at=occurred_at,
        duration_minutes=duration_minutes,
        format=format,
        topics=_clean_topics(topics),
        shared_notes=shared_notes,
        logged_by=person,
    )
    session.goals_discussed.set([goal for goal in goals if goal.mentorship_id == mentorship.pk])
    if private_note.strip():
        private_note_save(session=session, author=person, body=private_note)
    if rating is not None:
        session_rate(session=session, person=person, rating=rating, feedback=feedback)
    # When, how long and how: never the topics, notes or feedback people wrote.
    webhooks_emit(
        event=WebhookEvent.SESSION_LOGGED,
        items=[
            (
                session.pk,
                {
                    "session": session.pk,
                    "mentorship": mentorship.pk,
                    "occurred_at": session.occurred_at.isoformat(),
                    "duration_minutes": session.duration_minutes,
                    "format": session.format,
                },
            )
        ],
    )
    return session


@transaction.atomic
def session_confirm(*, session: SessionLog, person) -> SessionLog:
    session = SessionLog.objects.select_for_update().get(pk=session.pk)
    _check_member(session.mentorship, person)
    if session.logged_by_id == person.pk:
        raise TransitionError(_("The other side confirms the session you logged."))
    if session.is_confirmed:
        return session
    session.confirmed_by = person
    session.confirmed_at = timezone.now()
    session.save(update_fields=["confirmed_by", "confirmed_at", "updated_at"])
    return session


@transaction.atomic
def session_correct(
    *,
    session: SessionLog,
    person,
    occurred_at: datetime,
    duration_minutes: int,
    format: str,
    topics: Sequence[str],
    shared_notes: str,
) -> SessionLog:
    """The other side fixes what was logged; correcting it also confirms it."""
    session = SessionLog.objects.select_for_update().get(pk=session.pk)
    _check_member(session.mentorship, person)
    if session.logged_by_id == person.pk:
        raise TransitionError(_("You logged this session: the other side confirms or corrects it."))
    if occurred_at != session.occurred_at:
        _check_time_in_range(session.mentorship, occurred_at)
    _check_time_free(session.mentorship_id, occurred_at, besides=session)
    values = {
        "occurred_at": occurred_at,
        "duration_minutes": duration_minutes,
        "format": format,
        "topics": _clean_topics(topics),
        "shared_notes": shared_notes,
    }
    # Sent back unchanged, the form only confirms: "with corrections" would not be true.
    if any(getattr(session, field) != value for field, value in values.items()):
        session.corrected = True
    for field, value in values.items():
        setattr(session, field, value)
    session.confirmed_by = person
    session.confirmed_at = timezone.now()
    session.save()
    return session


@transaction.atomic
def session_rate(*, session: SessionLog, person, rating: int, feedback: str = "") -> SessionRating:
    _check_member(session.mentorship, person)
    if not 1 <= rating <= 5:
        raise TransitionError(_("Ratings run from 1 to 5."))
    rated, _created = SessionRating.objects.update_or_create(
        session=session, person=person, defaults={"rating": rating, "feedback": feedback}
    )
    return rated


@transaction.atomic
def private_note_save(*, session: SessionLog, author, body: str) -> PrivateNote | None:
    """Write (or, with an empty body, delete) the author's own private note."""
    _check_member(session.mentorship, author)
    if not body.strip():
        PrivateNote.objects.filter(session=session, author=author).delete()
        return None
    note, _created = PrivateNote.objects.update_or_create(
        session=session, author=author, defaults={"ciphertext": crypto.encrypt(body)}
    )
    return note


def private_notes_rotate(*, batch_size: int = 500) -> int:
    """Re-encrypt every private note with the first key. Safe to run again at any time."""
    rotated = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            notes = list(
                PrivateNote.objects.select_for_update()
                .filter(pk__gt=last_pk)
                .order_by("pk")
                .only("pk", "ciphertext")[:batch_size]
            )
            if not notes:
                return rotated
            readable = []
            for note in notes:
                try:
                    note.ciphertext = crypto.rotate(note.ciphertext)
                except crypto.UnreadableNote:
                    # Under a key already removed: left as it is (the page says it cannot be read).
                    logger.warning("Private note %s cannot be decrypted; not rotated.", note.pk)
                else:
                    readable.append(note)
            PrivateNote.objects.bulk_update(readable, ["ciphertext"])
            rotated += len(readable)
            last_pk = notes[-1].pk
