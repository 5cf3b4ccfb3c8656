"""One-time sign-in links in invitation emails, for people who never set a password.

The link is signed and carries the person's last sign-in time: the first use signs them in
and so changes that time, which makes the same link worthless afterwards. It signs in
participants only: an account with rights beyond a participant's (a site admin, coordinator,
HR viewer or permission holder) signs in normally, and the link then leads to the invitation."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing

from programs.models import Enrolment

SALT = "programs.invitation"
MAX_AGE = 14 * 24 * 3600


def _last_login_stamp(user) -> str:
    return user.last_login.isoformat() if user.last_login else ""


def invitation_token(enrolment: Enrolment) -> str:
    user = enrolment.person.user
    return signing.dumps({"e": enrolment.pk, "l": _last_login_stamp(user)}, salt=SALT)


def enrolment_for_token(token: str) -> Enrolment | None:
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    enrolment = (
        Enrolment.objects.select_related("person__user", "cohort__program")
        .filter(pk=payload.get("e"))
        .first()
    )
    if enrolment is None or _last_login_stamp(enrolment.person.user) != payload.get("l"):
        return None
    user = enrolment.person.user
    # Only while the invitation is open, and never for an account that was switched off.
    if not user.is_active or enrolment.status != Enrolment.Status.INVITED:
        return None
    return enrolment


def link_signs_in(user) -> bool:
    """Whether an invitation link may sign this person in without a password: a participant
    yes; an account with rights (a coordinator, HR viewer, site admin, …) never; nobody when
    single sign-on is the only way in (SSO_ONLY)."""
    if settings.SSO_ONLY:
        return False
    return not get_user_model().objects.with_rights().filter(pk=user.pk).exists()
