"""Program mail: invitations (with a one-time sign-in link) and the answer to an application.

Neither belongs to a category a person can switch off: an invitation that never arrives is a
person who never joins."""

from __future__ import annotations

from django.urls import reverse

from core.emails import absolute_url
from notifications.models import Dispatch
from notifications.registry import kind
from notifications.rendering import render_for
from programs.invitations import invitation_token
from programs.models import Enrolment
from programs.services import KIND_DECISION, KIND_INVITATION, invitation_occurrence


def _enrolment(dispatch: Dispatch) -> Enrolment | None:
    return (
        Enrolment.objects.select_related("person__user", "cohort__program")
        .filter(pk=dispatch.object_id, person__user_id=dispatch.recipient_id)
        .first()
    )


@kind(KIND_INVITATION, category=None)
def build_invitation(dispatch: Dispatch):
    enrolment = _enrolment(dispatch)
    if enrolment is None or enrolment.status != Enrolment.Status.INVITED:
        return None  # withdrawn or answered since: nothing to invite to
    if dispatch.occurrence != invitation_occurrence(enrolment.invitations_sent):
        return None  # a later invitation went out instead; one is enough
    # Built at send time: the link carries the person's last sign-in, so it must be fresh.
    token = invitation_token(enrolment)
    link = absolute_url(reverse("programs:invitation_accept", args=[token]))
    return render_for(
        dispatch, "programs/emails/invitation", {"enrolment": enrolment, "link": link}
    )


@kind(KIND_DECISION, category=None)
def build_application_decision(dispatch: Dispatch):
    enrolment = _enrolment(dispatch)
    decided, _, _ = dispatch.occurrence.partition("@")
    if enrolment is None or enrolment.status != decided:
        return None  # changed again since: this answer no longer holds
    return render_for(
        dispatch,
        "programs/emails/application_decision",
        {"enrolment": enrolment, "link": absolute_url(reverse("programs:my_enrolments"))},
    )
