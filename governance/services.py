from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit import services as audit
from governance.models import ScimIdentity, ScimToken, token_digest
from matching.models import MentorRequest
from notifications.registry import Message
from notifications.services import dispatches_create_now
from profiles.models import Person
from profiles.services import HrRecord, person_for_user, person_hr_record_set
from relationships.models import Mentorship
from relationships.services import mentorship_close

KIND_PARTNER_LEFT = "partner_left"


def scim_token_create(*, name: str, created_by=None) -> tuple[ScimToken, str]:
    """Make a token; returns the row and the secret, which is not kept and never shown again."""
    secret = ScimToken.new_secret()
    token = ScimToken.objects.create(name=name, digest=token_digest(secret), created_by=created_by)
    return token, secret


def scim_token_authenticate(*, secret: str) -> ScimToken | None:
    token = ScimToken.objects.filter(digest=token_digest(secret), revoked_at=None).first()
    if token is not None:
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


@dataclass(frozen=True)
class Departure:
    pairs_closed: int
    requests_withdrawn: int


@transaction.atomic
def person_leave(*, user, actor=None) -> Departure:
    """A leaver: they can no longer sign in, their open pairs close with “left the
    organisation” and their partners hear, and their pending mentor requests (made or
    received) are withdrawn. Everything that happened stays for the reports."""
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    person = getattr(user, "person", None)
    if person is None:
        return Departure(0, 0)
    pairs = list(
        Mentorship.objects.exclude(status__in=Mentorship.ENDED)
        .filter(Q(mentor=person) | Q(mentees=person))
        .distinct()
    )
    messages = []
    for pair in pairs:
        pair = mentorship_close(
            mentorship=pair, actor=actor, reason=Mentorship.CloseReason.LEFT_ORGANISATION
        )
        messages += [
            Message(KIND_PARTNER_LEFT, pair.pk, f"left-{user.pk}", member.user_id)
            for member in pair.members()
            if member.pk != person.pk
        ]
    withdrawn = MentorRequest.objects.filter(
        Q(mentee__person=person) | Q(mentor__person=person),
        status=MentorRequest.Status.PENDING,
    ).update(status=MentorRequest.Status.WITHDRAWN, responded_at=timezone.now())
    if messages:
        dispatches_create_now(messages=messages)
    return Departure(len(pairs), withdrawn)


def person_return(*, user) -> None:
    """Rehired or deactivated by mistake: they may sign in again. Closed pairs stay closed."""
    type(user).objects.filter(pk=user.pk).update(is_active=True)
    user.is_active = True


class ScimRefused(Exception):
    """A provisioning request the directory's rules refuse; the message is for the client."""

    def __init__(self, message: str, *, status: int = 400, scim_type: str = "invalidValue"):
        super().__init__(message)
        self.status, self.scim_type = status, scim_type


def _check_length(value: str, model, field: str) -> None:
    limit = model._meta.get_field(field).max_length
    if len(value) > limit:
        raise ScimRefused(f"{field} is longer than {limit} characters.")


def _manager(person: Person | None, manager_id: str | None) -> Person | None:
    """The same rules as the HR import: the manager must be known, and a reporting line never
    loops back (nobody is their own manager, even through others)."""
    if not manager_id:
        return None
    found = ScimIdentity.objects.filter(pk=manager_id).select_related("user").first()
    if found is None:
        raise ScimRefused(f"The manager {manager_id} is not a provisioned user.")
    manager = person_for_user(found.user)
    seen = set()
    step: Person | None = manager
    while step is not None and step.pk not in seen:
        if person is not None and step.pk == person.pk:
            raise ScimRefused("This manager would make the reporting line loop.")
        seen.add(step.pk)
        step = step.manager
    return manager


@transaction.atomic
def scim_identity_save(
    *,
    identity: ScimIdentity | None,
    user_name: str,
    external_id: str,
    email: str,
    first_name: str,
    last_name: str,
    active: bool,
    department: str,
    manager_id: str | None,
    resource: dict,
    hr: HrRecord | None = None,
    actor=None,
) -> ScimIdentity:
    """Create or update a provisioned person. A new identity whose email the HR import already
    knows is linked to that person: no duplicate. `hr` sets the grade and leaving date; None
    keeps them."""
    User = get_user_model()
    email = User.objects.normalize_email(email).lower()
    if not user_name:
        raise ScimRefused("userName is required.")
    _check_length(user_name, ScimIdentity, "user_name")
    _check_length(first_name, User, "first_name")
    _check_length(last_name, User, "last_name")
    _check_length(department, Person, "department")
    if hr is not None:
        _check_length(hr.grade, Person, "grade")
    others = ScimIdentity.objects.filter(user_name__iexact=user_name)
    if identity is not None:
        others = others.exclude(pk=identity.pk)
    if others.exists():
        raise ScimRefused("Another user has this userName.", status=409, scim_type="uniqueness")
    holder = User.objects.filter(email=email).first()
    if identity is None:
        if holder is not None and ScimIdentity.objects.filter(user=holder).exists():
            raise ScimRefused(
                "Another user has this email address.", status=409, scim_type="uniqueness"
            )
        user = holder or User.objects.create_user(email=email)
        identity = ScimIdentity(user=user)
        created = True
        was_active = user.is_active
    else:
        user = identity.user
        created = False
        if holder is not None and holder.pk != user.pk:
            raise ScimRefused(
                "Another user has this email address.", status=409, scim_type="uniqueness"
            )
        was_active = user.is_active
    user.email, user.first_name, user.last_name = email, first_name, last_name
    user.save(update_fields=["email", "first_name", "last_name"])
    person = person_for_user(user)
    person.department = department
    person.manager = _manager(person, manager_id)
    person.save(update_fields=["department", "manager", "updated_at"])
    if hr is not None:
        person_hr_record_set(person=person, record=hr)
    identity.user_name, identity.external_id, identity.resource = user_name, external_id, resource
    identity.save()
    if was_active and not active:
        person_leave(user=user, actor=actor)
    elif active and not was_active:
        person_return(user=user)
    audit.record(
        audit.Action.SCIM_CHANGE,
        actor=actor,
        obj=user,
        object_label=user.email,
        detail={"op": "create" if created else "update", "active": active},
    )
    return identity


@transaction.atomic
def scim_identity_delete(*, identity: ScimIdentity, actor=None) -> None:
    """The provider deletes the user: for the product that is a leaver. The person and their
    history stay (reports count them); only the provisioning link goes."""
    user = identity.user
    identity.delete()
    if user.is_active:
        person_leave(user=user, actor=actor)
    audit.record(
        audit.Action.SCIM_CHANGE,
        actor=actor,
        obj=user,
        object_label=user.email,
        detail={"op": "delete"},
    )
