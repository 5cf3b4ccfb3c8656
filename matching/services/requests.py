"""Mentee requests: a mentee asks a mentor, who accepts (a mentorship, through
relationships.services.mentorships_create) or declines; unanswered requests expire."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from matching.engine import pair_breakdown
from matching.loading import MatchingError, settings_for
from matching.models import (
    MentorRequest,
)
from matching.rules import pairing_review
from notifications.registry import Message
from notifications.services import dispatches_create_now
from programs.models import Enrolment
from relationships.models import Mentorship
from relationships.services import mentorship_create

KIND_REQUEST_RECEIVED = "request_received"
KIND_REQUEST_ANSWERED = "request_answered"


def requests_open_to(enrolment: Enrolment) -> bool:
    settings = settings_for(enrolment.cohort.program)
    return (
        settings.requests_allowed
        and enrolment.cohort.program.format in ("one_to_one", "group", "reverse")
        and enrolment.status == Enrolment.Status.APPROVED
        and enrolment.role == Enrolment.Role.MENTEE
    )


@transaction.atomic
def mentor_request_create(
    *, mentee: Enrolment, mentor_enrolment_id: int, message: str = ""
) -> MentorRequest:
    if not requests_open_to(mentee):
        raise MatchingError(_("This program does not take mentor requests from you."))
    # The mentee's row lock makes "at most N open requests" hold against a double submit.
    mentee = (
        Enrolment.objects.select_for_update().select_related("cohort__program").get(pk=mentee.pk)
    )
    cohort = mentee.cohort
    settings = settings_for(cohort.program)
    mentor = (
        Enrolment.objects.filter(
            cohort=cohort,
            pk=mentor_enrolment_id,
            status=Enrolment.Status.APPROVED,
            role__in=(Enrolment.Role.MENTOR, Enrolment.Role.BOTH),
        )
        .select_related("person__user")
        .first()
    )
    if mentor is None:
        raise MatchingError(_("That mentor is not available in this cohort."))
    review = pairing_review(cohort=cohort, groups=[(mentor.person, [mentee.person])])
    if mentee.person_id in review.block.placed:
        raise MatchingError(_("You already have a mentor in this cohort."))
    pending = MentorRequest.objects.filter(mentee=mentee, status=MentorRequest.Status.PENDING)
    if pending.count() >= settings.max_requests:
        raise MatchingError(
            ngettext(
                "You can have at most %(count)d open request. Withdraw one or wait for an answer.",
                "You can have at most %(count)d open requests. Withdraw one or wait for an answer.",
                settings.max_requests,
            )
            % {"count": settings.max_requests}
        )
    if MentorRequest.objects.filter(mentee=mentee, mentor=mentor).exists():
        raise MatchingError(
            _("You have already asked %(mentor)s.") % {"mentor": mentor.person.name}
        )
    # The mentee is not told which rule rules the mentor out (a reporting line, say).
    if review.problems:
        raise MatchingError(
            _("%(mentor)s cannot take a request from you.") % {"mentor": mentor.person.name}
        )
    block = review.block
    breakdown = pair_breakdown(
        block.mentee_side, block.mentor_side, block.score_settings, np.array([0]), np.array([0])
    )
    now = timezone.now()
    request = MentorRequest.objects.create(
        cohort=cohort,
        mentee=mentee,
        mentor=mentor,
        message=message.strip(),
        score=int(breakdown.score_cents[0]) / 100,
        created_at=now,
        expires_at=now + timedelta(days=settings.request_expiry_days),
    )
    dispatches_create_now(
        messages=[Message(KIND_REQUEST_RECEIVED, request.pk, "", mentor.person.user_id)]
    )
    return request


@transaction.atomic
def mentor_request_respond(*, request: MentorRequest, accept: bool, user=None) -> MentorRequest:
    """The mentor's answer. Accepting takes one of their slots, and never the last one twice:
    the mentor's enrolment row is locked while their mentees are counted."""
    # Both enrolments, always in primary-key order, so two accepts cannot deadlock.
    list(
        Enrolment.objects.select_for_update()
        .filter(pk__in=[request.mentee_id, request.mentor_id])
        .order_by("pk")
    )
    request = (
        MentorRequest.objects.select_for_update(of=("self",))
        .select_related("cohort__program", "mentee__person", "mentor__person", "mentor__cohort")
        .get(pk=request.pk)
    )
    if not request.is_pending:
        raise MatchingError(
            _("This request is already %(status)s.")
            % {"status": request.get_status_display().lower()}
        )
    if request.is_overdue:
        raise MatchingError(_("This request has expired."))
    now = timezone.now()
    request.responded_at = now
    if not accept:
        request.status = MentorRequest.Status.DECLINED
        request.save(update_fields=["status", "responded_at"])
        _tell_mentee(request)
        return request
    cohort, mentor, mentee = request.cohort, request.mentor, request.mentee
    # The pairing rules again: a slot, a reporting line or a rejection may have changed since
    # the request. In a group program the mentee joins the mentor's open group.
    mentorship = mentorship_create(
        cohort=cohort,
        mentor=mentor.person,
        mentees=[mentee.person],
        source=Mentorship.Source.REQUEST,
        created_by=user,
    )
    request.status = MentorRequest.Status.ACCEPTED
    request.mentorship = mentorship
    request.save(update_fields=["status", "responded_at", "mentorship"])
    # The mentee has a mentor now; their other open requests are moot.
    MentorRequest.objects.filter(mentee=mentee, status=MentorRequest.Status.PENDING).update(
        status=MentorRequest.Status.WITHDRAWN, responded_at=now
    )
    _tell_mentee(request)
    return request


def _tell_mentee(request: MentorRequest) -> None:
    dispatches_create_now(
        messages=[
            Message(
                KIND_REQUEST_ANSWERED, request.pk, request.status, request.mentee.person.user_id
            )
        ]
    )


@transaction.atomic
def mentor_request_withdraw(*, request: MentorRequest) -> MentorRequest:
    changed = MentorRequest.objects.filter(
        pk=request.pk, status=MentorRequest.Status.PENDING
    ).update(status=MentorRequest.Status.WITHDRAWN, responded_at=timezone.now())
    if not changed:
        raise MatchingError(_("This request is no longer open."))
    request.refresh_from_db()
    return request


def mentor_requests_expire(*, now=None) -> int:
    """Mark pending requests past their expiry date as expired; returns how many."""
    now = now or timezone.now()
    return MentorRequest.objects.filter(
        status=MentorRequest.Status.PENDING, expires_at__lte=now
    ).update(status=MentorRequest.Status.EXPIRED, responded_at=now)
