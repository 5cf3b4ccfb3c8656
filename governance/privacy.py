"""Data-subject rights: a person's copy of their data, erasure by a site admin, and the
retention limit on the content of ended pairs."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit import services as audit
from conversations.models import Message, MessageReport
from goals.models import CheckIn, Goal, Milestone
from governance.models import ScimIdentity
from matching.models import MentorRequest
from profiles.models import Person
from programs.models import Enrolment
from relationships.models import Agreement, ClosingSurvey, Mentorship
from sessions import crypto
from sessions.models import PrivateNote, SessionLog, SessionRating

ERASED = "(erased)"


def _pairs(person: Person):
    return Mentorship.objects.filter(Q(mentor=person) | Q(mentees=person)).distinct()


def _private_notes(person: Person) -> list[dict]:
    notes = []
    for note in PrivateNote.objects.filter(author=person).select_related("session"):
        try:
            body = crypto.decrypt(note.ciphertext)
        except Exception:
            body = None
        notes.append({"session": note.session_id, "created_at": note.created_at, "body": body})
    return notes


def person_data_export(*, person: Person, request=None) -> bytes:
    """Everything the product holds about the person, as JSON files in a zip."""
    user = person.user
    pairs = _pairs(person)
    files = {
        "profile.json": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "timezone": user.timezone,
            "date_joined": user.date_joined,
            "department": person.department,
            "job_title": person.job_title,
            "seniority": person.seniority,
            "manager": person.manager.email if person.manager else None,
            "languages": person.languages,
            "location": person.location,
            "bio": person.bio,
            "grade": person.grade,
            "left_on": person.left_on,
            "grade_changes": list(person.grade_changes.values("before", "after", "changed_on")),
        },
        "enrolments.json": list(
            Enrolment.objects.filter(person=person).values(
                "id", "cohort__name", "role", "status", "expertise", "interests", "answers"
            )
        ),
        "pairs.json": list(
            pairs.values(
                "id",
                "cohort__name",
                "mentor_id",
                "status",
                "started_at",
                "ended_at",
                "close_reason",
            )
        ),
        "goals.json": [
            {
                "id": goal.pk,
                "pair": goal.mentorship_id,
                "title": goal.title,
                "success_measure": goal.success_measure,
                "status": goal.status,
                "milestones": list(goal.milestones.values_list("title", flat=True)),
                "check_ins": list(goal.checkins.values("progress", "note", "created_at")),
            }
            for goal in Goal.objects.filter(owner=person)
        ],
        "sessions.json": list(
            SessionLog.objects.filter(mentorship__in=pairs).values(
                "id",
                "mentorship_id",
                "occurred_at",
                "duration_minutes",
                "format",
                "topics",
                "shared_notes",
            )
        ),
        "session_ratings.json": list(
            SessionRating.objects.filter(person=person).values("session_id", "rating", "feedback")
        ),
        "private_notes.json": _private_notes(person),
        "messages.json": list(
            Message.objects.filter(author=person).values(
                "id", "mentorship_id", "body", "created_at"
            )
        ),
        "mentor_requests.json": list(
            MentorRequest.objects.filter(mentee__person=person).values(
                "id", "mentor__person__user__email", "message", "status", "created_at"
            )
        ),
        "closing_surveys.json": list(
            ClosingSurvey.objects.filter(person=person).values(
                "mentorship_id", "role", "recommend_score", "answers", "comment"
            )
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, json.dumps(content, indent=2, default=str))
    audit.record(
        audit.Action.DATA_EXPORT,
        actor=user,
        request=request,
        object_type="profiles.person",
        object_id=person.pk,
        object_label=f"Person {person.pk}",
    )
    return buffer.getvalue()


@transaction.atomic
def person_erase(*, person: Person, actor, request=None) -> None:
    """Replace the person's name and email, delete their private notes and remove the text
    they wrote. Rows stay, so counts (sessions, pairs, goals) in the reports do not change."""
    user = person.user
    old_labels = [user.email, str(user)]
    user.email = f"erased-{user.pk}@erased.invalid"
    user.first_name, user.last_name = "Erased", "person"
    user.is_active = False
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    ScimIdentity.objects.filter(user=user).delete()
    Person.objects.filter(pk=person.pk).update(job_title="", location="", bio="")
    Enrolment.objects.filter(person=person).update(expertise=[], interests=[], answers={})
    PrivateNote.objects.filter(author=person).delete()
    Message.objects.filter(author=person).update(body=ERASED)
    MessageReport.objects.filter(reporter=person).update(reason="")
    goals = Goal.objects.filter(owner=person)
    Milestone.objects.filter(goal__in=goals).update(title=ERASED)
    goals.update(title=ERASED, success_measure="")
    CheckIn.objects.filter(author=person).update(note="")
    SessionLog.objects.filter(logged_by=person).update(shared_notes="")
    SessionRating.objects.filter(person=person).update(feedback="")
    MentorRequest.objects.filter(mentee__person=person).update(message="")
    ClosingSurvey.objects.filter(person=person).update(comment="", answers={})
    Agreement.objects.filter(mentorship__mentor=person).update(mentor_commitments="")
    Agreement.objects.filter(mentorship__mentees=person).update(mentee_commitments="")
    audit.forget(user=user, labels=old_labels, replacement=f"Person {person.pk}")
    audit.record(
        audit.Action.DATA_ERASURE,
        actor=actor,
        request=request,
        object_type="profiles.person",
        object_id=person.pk,
        object_label=f"Person {person.pk}",
    )


@transaction.atomic
def pair_content_prune(*, now: datetime | None = None) -> int:
    """Delete what was written in pairs that ended more than PAIR_CONTENT_RETENTION_MONTHS
    ago (0 keeps it); the pairs, sessions and goals stay as rows for the reports."""
    months = settings.PAIR_CONTENT_RETENTION_MONTHS
    if not months:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=30 * months)
    ids = list(
        Mentorship.objects.filter(status__in=Mentorship.ENDED, ended_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    sessions = SessionLog.objects.filter(mentorship_id__in=ids)
    PrivateNote.objects.filter(session__in=sessions).delete()
    SessionRating.objects.filter(session__in=sessions).update(feedback="")
    sessions.update(shared_notes="")
    Message.objects.filter(mentorship_id__in=ids).update(body=ERASED)
    MessageReport.objects.filter(message__mentorship_id__in=ids).update(reason="")
    goals = Goal.objects.filter(mentorship_id__in=ids)
    Milestone.objects.filter(goal__in=goals).update(title=ERASED)
    CheckIn.objects.filter(goal__in=goals).update(note="")
    goals.update(title=ERASED, success_measure="")
    Agreement.objects.filter(mentorship_id__in=ids).update(
        mentor_commitments="", mentee_commitments=""
    )
    ClosingSurvey.objects.filter(mentorship_id__in=ids).update(comment="")
    Mentorship.objects.filter(pk__in=ids).update(close_comment="")
    return len(ids)
