"""Outgoing webhooks against a real HTTP receiver (http.server in a thread): each delivery is
signed and verifies with the README's snippet, a 500 is retried with backoff, and a delivery
the receiver acknowledged is never sent again."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from notifications import services
from notifications.models import Dispatch, WebhookEndpoint, WebhookEvent
from sessions.services import session_log

pytestmark = pytest.mark.django_db

SECRET = "whsec-test-only"


def verify(secret: str, headers, body: bytes, tolerance: int = 300) -> bool:
    """The README's snippet, as a receiver would write it."""
    timestamp = headers["X-Mentoring-Timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance:
        return False  # too old: a replay
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(headers["X-Mentoring-Signature"], "sha256=" + expected.hexdigest())


class Receiver:
    """A webhook receiver on a free local port; answers with `statuses` in turn, then 200."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.statuses = list(statuses or [])
        self.requests: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def delivered(self) -> list[str]:
        return [headers["X-Mentoring-Delivery"] for headers, _body in self.requests]


@pytest.fixture
def receiver():
    made: list[Receiver] = []

    def make(statuses: list[int] | None = None) -> Receiver:
        server = Receiver(statuses)
        server.thread.start()
        made.append(server)
        return server

    yield make
    for server in made:
        server.server.shutdown()
        server.server.server_close()


def endpoint_for(receiver: Receiver, *events: str) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(url=receiver.url, secret=SECRET, events=list(events))


def test_a_logged_session_is_delivered_signed_and_without_any_text(
    receiver, pair, django_capture_on_commit_callbacks
):
    hooks = receiver()
    endpoint_for(hooks, WebhookEvent.SESSION_LOGGED)
    other = endpoint_for(receiver(), WebhookEvent.ENROLMENT_CREATED)  # not subscribed
    with django_capture_on_commit_callbacks(execute=True):  # the worker sends on commit
        session = session_log(
            mentorship=pair,
            person=pair.mentees.get(),
            occurred_at=timezone.now() - dt.timedelta(days=1),
            duration_minutes=45,
            format="video",
            topics=["SENTINEL-TOPIC"],
            shared_notes="SENTINEL-SHARED",
            private_note="SENTINEL-PRIVATE",
            rating=4,
            feedback="SENTINEL-FEEDBACK",
        )
    ((headers, body),) = hooks.requests
    assert verify(SECRET, headers, body)
    assert not verify("another secret", headers, body)
    assert not verify(SECRET, headers, body + b" ")
    assert b"SENTINEL" not in body
    payload = json.loads(body)
    assert payload["event"] == headers["X-Mentoring-Event"] == "session.logged"
    assert payload["data"] == {
        "session": session.pk,
        "mentorship": pair.pk,
        "occurred_at": session.occurred_at.isoformat(),
        "duration_minutes": 45,
        "format": "video",
    }
    delivery = Dispatch.objects.get(endpoint__isnull=False)
    assert payload["id"] == int(headers["X-Mentoring-Delivery"]) == delivery.pk
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("sent", 200, 1)
    assert not other.deliveries.exists()


def test_a_500_is_retried_with_backoff_and_an_acknowledged_delivery_never_repeats(
    receiver, django_capture_on_commit_callbacks
):
    hooks = receiver([500])
    endpoint = endpoint_for(hooks)
    with django_capture_on_commit_callbacks(execute=True):
        (delivery_id,) = services.webhook_test_send(endpoints=[endpoint])
    delivery = Dispatch.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("pending", 500, 1)
    assert delivery.last_error == "HTTP 500"
    assert delivery.due_at > timezone.now() + dt.timedelta(seconds=50)  # backoff: a minute

    with django_capture_on_commit_callbacks(execute=True):
        services.notifications_scan()  # not due yet: nothing is sent
    assert len(hooks.requests) == 1

    later = timezone.now() + dt.timedelta(minutes=2)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert services.notifications_scan().enqueued == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("sent", 200, 2)
    assert hooks.delivered() == [str(delivery_id)] * 2  # one delivery id on every attempt
    assert all(verify(SECRET, headers, body) for headers, body in hooks.requests)

    # Acknowledged: no scan, no task that runs twice, no emit again sends it a second time.
    with time_machine.travel(timezone.now() + dt.timedelta(days=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            services.notifications_scan()
        assert services.dispatch_send(dispatch_id=delivery_id) == "not claimed"
        assert services.dispatches_send(dispatch_ids=[delivery_id]) == {"not claimed": 1}
    assert len(hooks.requests) == 2


def test_the_same_event_emitted_twice_is_delivered_once(
    receiver, django_capture_on_commit_callbacks
):
    hooks = receiver()
    endpoint_for(hooks, WebhookEvent.ENROLMENT_CREATED)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            services.webhooks_emit(
                event=WebhookEvent.ENROLMENT_CREATED, items=[(7, {"enrolment": 7})]
            )
    assert len(hooks.requests) == 1
    assert Dispatch.objects.count() == 1


def test_a_receiver_that_refuses_fails_the_delivery_without_retrying(
    receiver, django_capture_on_commit_callbacks
):
    hooks = receiver([410])
    with django_capture_on_commit_callbacks(execute=True):
        (delivery_id,) = services.webhook_test_send(endpoints=[endpoint_for(hooks)])
    delivery = Dispatch.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.response_code) == ("failed", 410)
    assert len(hooks.requests) == 1


def test_an_admin_sends_a_test_event_from_the_admin(
    receiver, client, site_admin, django_capture_on_commit_callbacks
):
    hooks = receiver()
    endpoint = endpoint_for(hooks, WebhookEvent.MATCHING_PUBLISHED)
    client.force_login(site_admin)
    changelist = reverse("admin:notifications_webhookendpoint_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist, {"action": "send_test_event", "_selected_action": [endpoint.pk]}
        )
    assert response.status_code == 302
    ((headers, body),) = hooks.requests
    assert headers["X-Mentoring-Event"] == "ping" and verify(SECRET, headers, body)
    add = client.get(reverse("admin:notifications_webhookendpoint_add")).content.decode()
    assert "Session logged" in add and 'type="checkbox"' in add


def test_each_domain_event_reaches_its_subscribers_with_ids_and_states_only(
    receiver, make_user, django_capture_on_commit_callbacks
):
    from matching.services import match_run_create, match_run_publish
    from programs.importing import cohort_import_participants
    from relationships.models import Mentorship
    from relationships.services import mentorship_pause
    from tests.factories import CohortFactory, ProgramFactory

    hooks = receiver()
    endpoint_for(hooks, *WebhookEvent.values)
    cohort = CohortFactory(program=ProgramFactory(slug="hooks"), slug="hooks-2027")
    csv = (
        "email,first_name,last_name,role,bio\n"
        "ivy@example.org,Ivy,SENTINEL-NAME,mentee,SENTINEL-BIO\n"
        "max@example.org,Max,Mentor,mentor,\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = cohort_import_participants(cohort=cohort, data=csv.encode(), by=None)
    assert report.ok
    cohort.enrolments.update(status="approved")
    run = match_run_create(cohort=cohort)
    with django_capture_on_commit_callbacks(execute=True):
        match_run_publish(run=run)
    (mentorship,) = Mentorship.objects.filter(cohort=cohort)
    Mentorship.objects.filter(pk=mentorship.pk).update(status="active")
    mentorship.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        mentorship_pause(mentorship=mentorship, actor=None)

    bodies = [json.loads(body) for _headers, body in hooks.requests]
    assert all(verify(SECRET, headers, body) for headers, body in hooks.requests)
    assert all(b"SENTINEL" not in body for _headers, body in hooks.requests)
    by_event = {}
    for body in bodies:
        by_event.setdefault(body["event"], []).append(body["data"])
    assert sorted((d["email"], d["role"]) for d in by_event["enrolment.created"]) == [
        ("ivy@example.org", "mentee"),
        ("max@example.org", "mentor"),
    ]
    assert by_event["matching.published"] == [
        {"run": run.pk, "program": "hooks", "cohort": "hooks-2027", "mentorships": [mentorship.pk]}
    ]
    assert by_event["mentorship.status_changed"] == [
        {
            "mentorship": mentorship.pk,
            "cohort": "hooks-2027",
            "from_status": "active",
            "to_status": "paused",
        }
    ]
