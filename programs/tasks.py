from __future__ import annotations

from celery import shared_task
from django.urls import reverse

from core.emails import absolute_url, send_email
from programs.invitations import invitation_token
from programs.models import Enrolment


@shared_task
def send_invitation(enrolment_id: int) -> None:
    enrolment = (
        Enrolment.objects.select_related("person__user", "cohort__program")
        .filter(pk=enrolment_id, status=Enrolment.Status.INVITED)
        .first()
    )
    if enrolment is None:
        return  # withdrawn or answered since: nothing to invite to
    link = absolute_url(reverse("programs:invitation_accept", args=[invitation_token(enrolment)]))
    send_email(
        "programs/emails/invitation",
        to=[enrolment.person.user.email],
        context={"enrolment": enrolment, "link": link},
    )


@shared_task
def send_application_decision(enrolment_id: int) -> None:
    enrolment = (
        Enrolment.objects.select_related("person__user", "cohort__program")
        .filter(pk=enrolment_id)
        .first()
    )
    if enrolment is None or enrolment.status not in (
        Enrolment.Status.APPROVED,
        Enrolment.Status.DECLINED,
    ):
        return
    send_email(
        "programs/emails/application_decision",
        to=[enrolment.person.user.email],
        context={"enrolment": enrolment, "link": absolute_url(reverse("programs:my_enrolments"))},
    )
