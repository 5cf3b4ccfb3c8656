"""Invitations and application decisions go through the outbox: one row per message, sent
once, retried when the mail server hiccups, and a refusal the coordinator can see."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from notifications.models import Dispatch
from notifications.services import dispatches_send, notifications_scan
from programs.invitations import enrolment_for_token
from programs.services import enrolments_bulk_action
from tests.support.mail import drop_connection_once, refuse_mail_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def act(draft_cohort, django_capture_on_commit_callbacks):
    """A coordinator's bulk action, with the mail it queues sent once it commits."""

    def run(action: str, enrolments=None):
        ids = None if enrolments is None else [e.pk for e in enrolments]
        with django_capture_on_commit_callbacks(execute=True):
            return enrolments_bulk_action(cohort=draft_cohort, action=action, enrolment_ids=ids)

    return run


def invitation_rows(enrolment) -> list[tuple[str, str]]:
    return list(
        Dispatch.objects.filter(kind="program_invitation", object_id=enrolment.pk)
        .order_by("pk")
        .values_list("occurrence", "status")
    )


def test_each_invitation_is_one_outbox_message_and_a_resend_is_another(
    draft_cohort, enrol_email, act
):
    ivy = enrol_email(draft_cohort, "ivy@example.org")
    act("invite")
    assert [m.to for m in mail.outbox] == [["ivy@example.org"]]
    assert invitation_rows(ivy) == [("n1", "sent")]

    # A send task delivered twice, or "invite" pressed again: nothing more goes out.
    dispatches_send(dispatch_ids=Dispatch.objects.values_list("pk", flat=True))
    act("invite")
    assert len(mail.outbox) == 1

    act("resend", [ivy])
    assert [m.to for m in mail.outbox] == [["ivy@example.org"]] * 2
    assert invitation_rows(ivy) == [("n1", "sent"), ("n2", "sent")]


def test_the_sign_in_link_is_made_when_the_invitation_is_sent(
    draft_cohort, enrol_email, django_capture_on_commit_callbacks
):
    ivy = enrol_email(draft_cohort, "ivy@example.org")
    with django_capture_on_commit_callbacks() as queued:
        enrolments_bulk_action(cohort=draft_cohort, action="invite")
    # Ivy signs in before the worker gets to the message: a link made at queueing time would
    # be dead on arrival.
    type(ivy.person.user).objects.filter(pk=ivy.person.user_id).update(last_login=timezone.now())
    for callback in queued:
        callback()
    (message,) = mail.outbox
    link = next(word for word in message.body.split() if "/invitation/" in word)
    assert enrolment_for_token(link.rstrip("/").rsplit("/", 1)[-1]) == ivy


def test_a_refused_invitation_is_marked_failed_and_the_coordinator_sees_the_address(
    draft_cohort, enrol_email, act, client, coordinator, monkeypatch
):
    ivy = enrol_email(draft_cohort, "ivy@example.org")
    enrol_email(draft_cohort, "ann@example.org")
    refuse_mail_to(monkeypatch, "ivy@example.org")
    act("invite")
    assert [m.to for m in mail.outbox] == [["ann@example.org"]]
    assert invitation_rows(ivy) == [("n1", "failed")]

    client.force_login(coordinator)
    page = client.get(draft_cohort.get_absolute_url()).content.decode()
    assert "1 invitation could not be delivered" in page
    section = page.split('id="undelivered-heading"')[1].split("</section>")[0]
    assert "ivy@example.org" in section and "ann@example.org" not in section

    monkeypatch.undo()  # the address works again
    act("resend", [ivy])
    assert invitation_rows(ivy) == [("n1", "failed"), ("n2", "sent")]
    assert (
        "could not be delivered" not in client.get(draft_cohort.get_absolute_url()).content.decode()
    )


@pytest.fixture
def hiccup(monkeypatch):
    drop_connection_once(monkeypatch)


def test_a_mail_server_hiccup_is_retried_until_the_invitation_goes_out(
    draft_cohort, enrol_email, act, hiccup, django_capture_on_commit_callbacks
):
    ivy = enrol_email(draft_cohort, "ivy@example.org")
    act("invite")
    assert mail.outbox == []
    assert invitation_rows(ivy) == [("n1", "pending")]
    later = timezone.now() + timedelta(minutes=2)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        notifications_scan()
    assert [m.to for m in mail.outbox] == [["ivy@example.org"]]
    assert invitation_rows(ivy) == [("n1", "sent")]


def test_a_resend_while_the_first_invitation_waits_to_be_retried_sends_one(
    draft_cohort, enrol_email, act, hiccup
):
    ivy = enrol_email(draft_cohort, "ivy@example.org")
    act("invite")
    act("resend", [ivy])
    assert len(mail.outbox) == 1
    # The first is not sent after all when its retry comes: the second replaced it.
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        dispatches_send(dispatch_ids=Dispatch.objects.values_list("pk", flat=True))
    assert len(mail.outbox) == 1
    assert dict(invitation_rows(ivy)) == {"n1": "skipped", "n2": "sent"}


def test_an_application_decision_is_one_outbox_message(draft_cohort, enrol_email, act):
    applicant = enrol_email(draft_cohort, "app@example.org", status="applied")
    act("approve", [applicant])
    (message,) = mail.outbox
    assert message.to == ["app@example.org"] and "approved" in message.subject
    (row,) = Dispatch.objects.filter(kind="application_decision", object_id=applicant.pk)
    assert row.status == "sent" and row.occurrence.startswith("approved@")
    dispatches_send(dispatch_ids=[row.pk])
    assert len(mail.outbox) == 1
