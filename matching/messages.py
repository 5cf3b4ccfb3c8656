"""Matching mail: a published match (to both people), a mentor request received and answered,
and, on the beat scan, requests that expire (the mentee hears) or wait too long (the mentor is
reminded)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from core.emails import absolute_url
from matching.models import MentorRequest, Proposal
from matching.services.requests import (
    KIND_REQUEST_ANSWERED,
    KIND_REQUEST_RECEIVED,
    mentor_requests_expire,
)
from matching.services.runs import KIND_MATCH_PUBLISHED
from notifications.models import Category, Dispatch
from notifications.registry import Planned, kind, planner
from notifications.rendering import link, render_for

KIND_REQUEST_REMINDER = "request_reminder"
KIND_REQUEST_EXPIRED = "request_expired"
REQUEST_REMINDER_AFTER = timedelta(days=3)  # pending this long: the mentor is reminded
# An expiry the scan missed for longer than this (beat was down) is not announced any more.
EXPIRED_NOTICE_WINDOW = timedelta(days=7)


# --- A published match ------------------------------------------------------------------------


@kind(KIND_MATCH_PUBLISHED, category=None)
def build_match_published(dispatch: Dispatch):
    proposal = (
        Proposal.objects.select_related(
            "run__cohort__program", "mentee__person__user", "mentor__person__user"
        )
        .filter(pk=dispatch.object_id)
        .first()
    )
    if proposal is None:
        return None
    mentee, mentor = proposal.mentee.person, proposal.mentor.person
    roles = proposal.run.cohort.program.roles
    if dispatch.recipient_id == mentee.user_id:
        me, other, other_role = mentee, mentor, roles.mentor
    elif dispatch.recipient_id == mentor.user_id:
        me, other, other_role = mentor, mentee, roles.mentee
    else:
        return None
    return render_for(
        dispatch,
        "matching/emails/match_published",
        {
            "person": me,
            "other": other,
            "other_role": str(other_role),
            "cohort": proposal.run.cohort,
            "link": absolute_url(reverse("programs:my_enrolments")),
        },
    )


# --- Mentor requests --------------------------------------------------------------------------


def _request(dispatch: Dispatch, status: str) -> MentorRequest | None:
    return (
        MentorRequest.objects.filter(pk=dispatch.object_id, status=status)
        .select_related("cohort__program", "mentee__person__user", "mentor__person__user")
        .first()
    )


def _request_email(dispatch: Dispatch, request: MentorRequest | None, template: str):
    if request is None:
        return None  # answered, withdrawn or expired since: the message no longer holds
    return render_for(
        dispatch, template, {"request": request, "link": absolute_url(reverse("matching:requests"))}
    )


@kind(KIND_REQUEST_RECEIVED, category=None)
def build_request_received(dispatch: Dispatch):
    request = _request(dispatch, MentorRequest.Status.PENDING)
    return _request_email(dispatch, request, "matching/emails/request_received")


@kind(KIND_REQUEST_ANSWERED, category=None)
def build_request_answered(dispatch: Dispatch):
    request = _request(dispatch, dispatch.occurrence)
    return _request_email(dispatch, request, "matching/emails/request_answered")


@planner
def plan_requests(now: datetime) -> Iterable[Planned]:
    """Expire the requests nobody answered in time, then: a reminder to mentors with a request
    pending for three days, and a notice to mentees whose request expired."""
    mentor_requests_expire(now=now)
    for pk, user_id, created_at in MentorRequest.objects.filter(
        status=MentorRequest.Status.PENDING,
        created_at__lte=now - REQUEST_REMINDER_AFTER,
        expires_at__gt=now,
    ).values_list("pk", "mentor__person__user_id", "created_at"):
        yield Planned(KIND_REQUEST_REMINDER, pk, "", user_id, created_at + REQUEST_REMINDER_AFTER)
    for pk, user_id, responded_at in MentorRequest.objects.filter(
        status=MentorRequest.Status.EXPIRED,
        responded_at__gte=now - EXPIRED_NOTICE_WINDOW,
    ).values_list("pk", "mentee__person__user_id", "responded_at"):
        yield Planned(KIND_REQUEST_EXPIRED, pk, "", user_id, responded_at)


@kind(KIND_REQUEST_REMINDER, category=Category.REQUESTS)
def build_request_reminder(dispatch: Dispatch):
    request = _request(dispatch, MentorRequest.Status.PENDING)
    if request is None or request.expires_at <= timezone.now():
        return None
    return render_for(
        dispatch,
        "matching/emails/request_reminder",
        {"request": request, "requests_url": link("matching:requests")},
    )


@kind(KIND_REQUEST_EXPIRED, category=Category.REQUESTS)
def build_request_expired(dispatch: Dispatch):
    request = _request(dispatch, MentorRequest.Status.EXPIRED)
    if request is None:
        return None
    return render_for(
        dispatch,
        "matching/emails/request_expired",
        {"request": request, "find_url": link("matching:find_mentor", [request.mentee_id])},
    )
