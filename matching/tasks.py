from __future__ import annotations

from collections.abc import Callable
from smtplib import SMTPException

from celery import shared_task
from django.urls import reverse
from django.utils import timezone

from core.emails import absolute_url, send_email

# Mail servers fail now and then; a claim is released and the task retried with backoff.
TRANSIENT = (SMTPException, ConnectionError, TimeoutError)
RETRY = {"autoretry_for": TRANSIENT, "retry_backoff": 30, "max_retries": 5}


def _send_once(model, pk: int, field: str, send: Callable[[object], None]) -> None:
    """At most one sender per message: whoever flips the timestamp from empty sends.

    A transient failure empties it again, so the retry can claim it."""
    if not model.objects.filter(pk=pk, **{field: None}).update(**{field: timezone.now()}):
        return
    try:
        send(model.objects.get(pk=pk))
    except TRANSIENT:
        model.objects.filter(pk=pk).update(**{field: None})
        raise


@shared_task(**RETRY)
def send_match_published(proposal_id: int) -> None:
    from matching.models import Proposal

    def send(proposal) -> None:
        link = absolute_url(reverse("programs:my_enrolments"))
        mentee, mentor = proposal.mentee.person, proposal.mentor.person
        roles = proposal.run.cohort.program.roles
        for me, other, role in ((mentee, mentor, roles.mentor), (mentor, mentee, roles.mentee)):
            send_email(
                "matching/emails/match_published",
                to=[me.user.email],
                context={
                    "person": me,
                    "other": other,
                    "other_role": str(role),
                    "cohort": proposal.run.cohort,
                    "link": link,
                },
            )

    _send_once(Proposal, proposal_id, "notified_at", send)


def _send_request_email(request_id: int, field: str, template: str, side: str) -> None:
    from matching.models import MentorRequest

    def send(request) -> None:
        send_email(
            template,
            to=[getattr(request, side).person.user.email],
            context={"request": request, "link": absolute_url(reverse("matching:requests"))},
        )

    _send_once(MentorRequest, request_id, field, send)


@shared_task(**RETRY)
def send_request_received(request_id: int) -> None:
    _send_request_email(
        request_id, "mentor_notified_at", "matching/emails/request_received", "mentor"
    )


@shared_task(**RETRY)
def send_request_answered(request_id: int) -> None:
    _send_request_email(
        request_id, "mentee_notified_at", "matching/emails/request_answered", "mentee"
    )


@shared_task
def expire_mentor_requests() -> int:
    from matching.services import mentor_requests_expire

    return mentor_requests_expire()
