"""With the broker down, pages keep working, quickly, and no email is lost.

The app is pointed at a Redis of the test's own, configured the way production settings
configure it for that REDIS_URL (cache, broker, timeouts). A person then walks the pages that
send mail — sign in with a password, schedule a meeting, ask for a mentor, accept, invite a
participant — while that Redis is gone (killed: connections refused) or stuck (frozen:
connections accepted, nothing answers). Every page must answer, below 500, within
FAST seconds. Then Redis comes back, beat's next scan and a real worker run, and every message the
pages recorded (a Dispatch row) must arrive exactly once, without waiting out the claim
timeout."""

from __future__ import annotations

import email
import signal
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matching.loading import settings_for
from matching.models import MentorRequest
from notifications.models import Dispatch
from notifications.services import notifications_scan
from programs.models import Enrolment
from programs.services import cohort_create, program_create
from tests.conftest import create_user
from tests.factories import PersonFactory
from tests.support.broker import celery_publishing_to, production_settings, worker_env
from tests.support.workers import WorkerProcess

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

FAST = 2.0  # seconds a page may take with the broker down


@pytest.fixture
def app_on_private_redis(redis_server, settings):
    """Django's cache and Celery's broker as production configures them, on the test's Redis."""
    production = production_settings(redis_server.url)
    settings.CACHES = production.CACHES
    if production.CACHES["default"]["BACKEND"].endswith(".db.DatabaseCache"):
        call_command("createcachetable")
    with celery_publishing_to(production):
        yield redis_server


@contextmanager
def deadline(seconds: float):
    """Fail, rather than hang the test run, if a page waits on the stuck broker for ever."""

    def expired(signum, frame):
        raise TimeoutError(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Visitor:
    """One person's browser: a test client whose every answer is timed."""

    def __init__(self, user, password: str) -> None:
        self.user = user
        self.client = Client()
        self.slowest = 0.0
        response = self.post(reverse("account_login"), {"login": user.email, "password": password})
        assert response.status_code == 302, response.content.decode()[:2000]

    def post(self, url: str, data: dict):
        started = time.monotonic()
        with deadline(30):
            response = self.client.post(url, data)
        took = time.monotonic() - started
        self.slowest = max(self.slowest, took)
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        assert took < FAST, f"{url} took {took:.1f} s with the broker down"
        return response


def people(password: str):
    """A mentee asking, a mentor asked, a coordinator inviting someone."""

    def person(name: str):
        user = create_user(password, email=f"{name}@example.org", first_name=name.title())
        return PersonFactory(user=user)

    coordinator = create_user(password, email="cora@example.org", first_name="Cora")
    program = program_create(name="Leaders", slug="leaders", coordinators=[coordinator])
    matching = settings_for(program)
    matching.requests_allowed = True
    matching.max_requests = 1
    matching.save()
    cohort = cohort_create(program=program, name="2027", slug="leaders-2027", status="matching")
    bob, zoe = person("bob"), person("zoe")
    asking = Enrolment.objects.create(cohort=cohort, person=bob, role="mentee", status="approved")
    asked = Enrolment.objects.create(
        cohort=cohort, person=zoe, role="mentor", status="approved", capacity=1
    )
    later = cohort_create(program=program, name="2028", slug="leaders-2028")
    Enrolment.objects.create(cohort=later, person=person("ivy"), role="mentee")
    return coordinator, later, asking, asked


def walk(*, password: str, pair, coordinator, later, asking, asked) -> float:
    """The journey; returns the slowest answer."""
    mentor = Visitor(pair.mentor.user, password)
    next_year = (timezone.now() + timedelta(days=365)).strftime("%Y-%m-%dT10:00")
    response = mentor.post(
        reverse("scheduling:meeting_create", args=[pair.pk]),
        {"start": next_year, "duration_minutes": 60, "format": "phone"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    mentee = Visitor(asking.person.user, password)
    mentee.post(
        reverse("matching:request_create", args=[asking.pk]),
        {"mentor": asked.pk, "message": "Please"},
    )
    request = MentorRequest.objects.get()

    mentor_asked = Visitor(asked.person.user, password)
    mentor_asked.post(reverse("matching:request_respond", args=[request.pk]), {"answer": "accept"})
    request.refresh_from_db()
    assert request.status == "accepted"

    cora = Visitor(coordinator, password)
    cora.post(
        reverse("programs:enrolment_bulk", args=[later.slug]), {"action": "invite", "scope": "all"}
    )
    return max(v.slowest for v in (mentor, mentee, mentor_asked, cora))


def settled() -> int:
    """Rows the outbox is done with: sent, or skipped for a reason it records."""
    return Dispatch.objects.exclude(
        status__in=[Dispatch.Status.PENDING, Dispatch.Status.SENDING]
    ).count()


def delivered(mail_dir: Path) -> list[str]:
    return [
        email.message_from_bytes(path.read_bytes())["Message-ID"]
        for path in sorted(mail_dir.glob("*.eml"))
    ]


@pytest.mark.parametrize("outage", ["killed", "frozen"])
def test_pages_work_with_the_broker_down_and_every_message_goes_out_once_it_is_back(
    outage, app_on_private_redis, make_pair, password, mail_dir, tmp_path, settings
):
    redis = app_on_private_redis
    pair = make_pair()
    coordinator, later, asking, asked = people(password)
    before = set(Dispatch.objects.values_list("pk", flat=True))

    redis.kill() if outage == "killed" else redis.freeze()
    slowest = walk(
        password=password,
        pair=pair,
        coordinator=coordinator,
        later=later,
        asking=asking,
        asked=asked,
    )
    recorded = Dispatch.objects.exclude(pk__in=before)
    kinds = set(recorded.values_list("kind", flat=True))
    assert kinds == {"meeting_invite", "request_received", "request_answered", "program_invitation"}

    redis.start() if outage == "killed" else redis.resume()
    env = worker_env(
        redis_url=redis.url,
        mail_dir=mail_dir,
        var_dir=tmp_path / "var",
        claim_timeout=settings.NOTIFICATIONS_CLAIM_TIMEOUT,
    )
    worker = WorkerProcess(env=env, queue="celery")  # the private Redis is ours alone
    worker.log = tmp_path / "worker.log"
    worker.start()
    try:
        # Beat's next scan, once: rows the broker refused do not wait out the claim timeout.
        notifications_scan()
        total = Dispatch.objects.count()
        finish_by = time.monotonic() + 60
        while settled() < total and time.monotonic() < finish_by:
            time.sleep(0.2)
    finally:
        worker.stop()
    outcome = dict(recorded.values_list("kind", "status"))
    # The request was answered before its email could go: the outbox skips it, saying why.
    assert outcome == {
        "meeting_invite": "sent",
        "request_received": "skipped",
        "request_answered": "sent",
        "program_invitation": "sent",
    }, worker.output()[-3000:]
    assert not Dispatch.objects.exclude(status__in=["sent", "skipped"]).exists()
    expected = {
        f"<dispatch.{pk}.{kind}@127.0.0.1>"
        for pk, kind in Dispatch.objects.filter(status="sent").values_list("pk", "kind")
    }
    message_ids = delivered(mail_dir)
    assert len(message_ids) == len(expected)
    assert set(message_ids) == expected  # none lost, none twice
    assert "duplicate delivery of" not in worker.output()
    print(f"{outage}: slowest page {slowest:.2f} s; {total} messages, kinds {sorted(kinds)}")
