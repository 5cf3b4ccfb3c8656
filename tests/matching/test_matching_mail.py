"""Request mail goes through the outbox, and requests expire on the beat scan."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from matching import services
from matching.loading import settings_for
from matching.models import MentorRequest
from notifications.models import Dispatch
from notifications.services import dispatches_send
from notifications.tasks import scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests_on(small_cohort):
    settings = settings_for(small_cohort["cohort"].program)
    settings.requests_allowed = True
    settings.request_expiry_days = 5
    settings.save()
    return small_cohort["enrolments"]


def rows(kind: str) -> list[tuple[int, str, str, str]]:
    return list(
        Dispatch.objects.filter(kind=kind).values_list(
            "object_id", "occurrence", "recipient__email", "status"
        )
    )


def test_a_request_and_its_answer_are_outbox_messages_sent_once(requests_on, committed):
    bob, zoe = requests_on["bob"], requests_on["zoe"]
    request = committed(
        services.mentor_request_create, mentee=bob, mentor_enrolment_id=zoe.pk, message="Hi"
    )
    assert rows("request_received") == [(request.pk, "", "zoe@example.org", "sent")]
    committed(services.mentor_request_respond, request=request, accept=False)
    assert rows("request_answered") == [(request.pk, "declined", "bob@example.org", "sent")]
    assert [m.to for m in mail.outbox] == [["zoe@example.org"], ["bob@example.org"]]
    assert "declined your request" in mail.outbox[1].subject
    dispatches_send(dispatch_ids=Dispatch.objects.values_list("pk", flat=True))
    assert len(mail.outbox) == 2


def test_an_unanswered_request_expires_on_the_beat_scan_and_the_mentee_hears_once(
    requests_on, committed
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        request = committed(
            services.mentor_request_create,
            mentee=requests_on["bob"],
            mentor_enrolment_id=requests_on["zoe"].pk,
        )
    mail.outbox.clear()

    def beat_tick(days: float) -> list[str]:
        with time_machine.travel(start + timedelta(days=days), tick=False):
            committed(scan.delay)  # the task beat runs (setup_schedules registers it)
        return [m.subject for m in mail.outbox if m.to == ["bob@example.org"]]

    assert beat_tick(4.9) == []
    assert MentorRequest.objects.get(pk=request.pk).status == "pending"
    assert beat_tick(5.01) == ["Your mentor request expired"]
    request.refresh_from_db()
    assert request.status == "expired"
    assert rows("request_expired") == [(request.pk, "", "bob@example.org", "sent")]
    assert beat_tick(5.1) == beat_tick(6) == ["Your mentor request expired"]
