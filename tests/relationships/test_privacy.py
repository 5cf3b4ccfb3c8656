"""Private by construction: plant unique strings in a private note, a shared note, a goal and
the pair's messages (one of them reported to the coordinators), then crawl everything each role
can reach and check who ever sees them."""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from collections import deque
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from conversations.services import message_report, message_send
from goals.services import goal_checkin, goal_create
from programs.models import Enrolment, MeetingFormat
from relationships.services import agreement_confirm, mentorship_create
from sessions.services import private_note_save, session_log
from tests.factories import EnrolmentFactory, PersonFactory, UserFactory, create_user
from tests.permissions import (
    ADMIN,
    ANON,
    COORD,
    HR,
    MENTEE,
    MENTOR,
    OTHER_COORD,
    USER,
    build_world,
    module_transaction,
)

MENTOR_PRIVATE = "sentinel-mentor-private-4b1d"
MENTEE_PRIVATE = "sentinel-mentee-private-9c2e"
SHARED = "sentinel-shared-note-7a3f"
GOAL = "sentinel-goal-text-5e8a"
CHECKIN = "sentinel-checkin-note-2d6b"
MESSAGE = "sentinel-pair-message-6f0a"
REPORTED = "sentinel-reported-message-3c9d"
OTHER_MENTOR, OTHER_MENTEE = "other_mentor", "other_mentee"

PAIR_CONTENT = {SHARED, GOAL, CHECKIN, MESSAGE, REPORTED}
SENTINELS = (MENTOR_PRIVATE, MENTEE_PRIVATE, SHARED, GOAL, CHECKIN, MESSAGE, REPORTED)
EXPECTED = {
    MENTOR: PAIR_CONTENT | {MENTOR_PRIVATE},
    MENTEE: PAIR_CONTENT | {MENTEE_PRIVATE},
    # The program's coordinator reads the one message a member reported to them, nothing else.
    COORD: {REPORTED},
} | {role: set() for role in (ANON, USER, ADMIN, OTHER_COORD, HR, OTHER_MENTOR, OTHER_MENTEE)}
MAX_PAGES = 300
SKIP = ("/accounts/logout/", "/static/", "/admin/logout/")
HREF = re.compile(r'(?:href|hx-get)="([^"#]+)')


OURS = (
    "/mentorships/",
    "/sessions/",
    "/goals/",
    "/milestones/",
    "/dashboard/",
    "/messages/",
    "/reported-messages/",
)


def crawl(client: Client, start: list[str]) -> dict[str, str]:
    """GET every same-site page reachable from `start` (breadth first, bounded)."""
    seen: dict[str, str] = {}
    errors: list[str] = []
    queue = deque(start)
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP):
            continue
        response = client.get(url)
        if response.status_code >= 500:
            errors.append(url)
        # Exports stream; read them too.
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        body = raw.decode(errors="replace")
        seen[url] = body
        if response.status_code in (301, 302):
            queue.append(urljoin(url, response["Location"]))
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        for link in HREF.findall(body):
            target = urljoin(url, link.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc not in ("", "testserver"):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    # A broken page shows nothing, so it cannot leak; ours must not break, others' are reported.
    assert not [url for url in errors if url.startswith(OURS) or "/relationships/" in url]
    if errors:
        warnings.warn(f"pages that failed during the crawl: {errors}", stacklevel=2)
    return seen


@pytest.fixture
def planted(world):
    return plant(world)


@pytest.fixture(scope="module")
def module_planted(django_db_setup, django_db_blocker) -> Iterator[dict]:
    """The planted world, built once for this module (the crawls only read it)."""
    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            built = plant(build_world(create_user))
        yield built


@pytest.fixture
def shared_planted(module_planted, db) -> dict:
    """The module's planted world for one test, in a savepoint rolled back after it."""
    return module_planted | {"users": dict(module_planted["users"])}


def plant(world: dict) -> dict:
    cohort = world["cohort"]
    others = {}
    for role, enrol_as in (
        (OTHER_MENTOR, Enrolment.Role.MENTOR),
        (OTHER_MENTEE, Enrolment.Role.MENTEE),
    ):
        person = PersonFactory(user=UserFactory(email=f"{role}@example.org"))
        EnrolmentFactory(
            cohort=cohort, person=person, role=enrol_as, status=Enrolment.Status.APPROVED
        )
        others[role] = person
    other_pair = mentorship_create(
        cohort=cohort, mentor=others[OTHER_MENTOR], mentees=[others[OTHER_MENTEE]]
    )
    for person in others.values():
        agreement_confirm(mentorship=other_pair, person=person)
    world["users"] |= {role: person.user for role, person in others.items()}

    mentorship = world["mentorship"]
    mentor, mentee = mentorship.mentor, mentorship.mentees.get()
    goal = goal_create(
        mentorship=mentorship,
        owner=mentee,
        title=f"Goal {GOAL}",
        success_measure=GOAL,
        milestones=[f"Step {GOAL}"],
    )
    goal_checkin(goal=goal, author=mentee, progress=20, note=CHECKIN)
    session = session_log(
        mentorship=mentorship,
        person=mentor,
        occurred_at=timezone.now() - dt.timedelta(days=1),
        duration_minutes=45,
        format=MeetingFormat.VIDEO,
        topics=["growth"],
        goals=[goal],
        shared_notes=f"Shared {SHARED}",
        private_note=f"Private {MENTOR_PRIVATE}",
        rating=4,
    )
    private_note_save(session=session, author=mentee, body=f"Mine {MENTEE_PRIVATE}")
    message_send(mentorship=mentorship, author=mentee, body=f"Hi {MESSAGE}")
    reported = message_send(mentorship=mentorship, author=mentor, body=f"Hm {REPORTED}")
    message_report(message=reported, reporter=mentee, reason="Please look")
    world["sentinel_message"] = reported
    world["sentinel_session"] = session
    world["sentinel_goal"] = goal
    return world


def known_urls(world: dict) -> list[str]:
    mentorship, session = world["mentorship"], world["sentinel_session"]
    urls = [
        "/",
        reverse("portal:dashboard"),
        mentorship.get_absolute_url(),
        session.get_absolute_url(),
        reverse("sessions:session_correct", args=[session.pk]),
        reverse("goals:goal_edit", args=[world["sentinel_goal"].pk]),
        reverse("relationships:agreement_edit", args=[mentorship.pk]),
        reverse("relationships:closing_survey", args=[mentorship.pk]),
        reverse("relationships:mentorship_manage", args=[mentorship.pk]),
        reverse("relationships:cohort_health", args=[world["cohort"].slug]),
        reverse("relationships:mentorship_list"),
        reverse("conversations:thread", args=[mentorship.pk]),
        reverse("conversations:message_report", args=[world["sentinel_message"].pk]),
        reverse("conversations:reported_messages"),
        reverse("programs:cohort_detail", args=[world["cohort"].slug]),
        reverse("admin:index"),
        # The API shows coordinators the same pairs: activity, never content.
        reverse("api:mentorship_list"),
        reverse("api:mentorship_detail", args=[mentorship.pk]),
        reverse("api:participation_report"),
    ]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
    for name, obj in (
        ("relationships_mentorship", mentorship),
        ("mentoring_sessions_sessionlog", session),
    ):
        urls += [
            reverse(f"admin:{name}_change", args=[obj.pk]),
            reverse(f"admin:{name}_delete", args=[obj.pk]),
            reverse(f"admin:{name}_history", args=[obj.pk]),
        ]
    return urls


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_sentinels_appear_only_where_they_should(shared_planted, role):
    planted = shared_planted
    client = Client(raise_request_exception=False)
    if role != ANON:
        client.force_login(planted["users"][role])
    pages = crawl(client, known_urls(planted))
    # The audit log after the crawl (its sign-in, every page and download it opened) holds
    # none of the content either (tests/audit/test_no_content.py).
    audit = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert [s for s in SENTINELS if s in audit] == []
    found: dict[str, list[str]] = {}
    for url, body in pages.items():
        for sentinel in SENTINELS:
            if sentinel in body:
                found.setdefault(sentinel, []).append(url)
    leaked = {s: urls for s, urls in found.items() if s not in EXPECTED[role]}
    assert leaked == {}, f"{role} saw content that is not theirs"
    # The crawl reached the pages where the role's own content lives.
    assert set(found) == EXPECTED[role], f"{role} missed {EXPECTED[role] - set(found)}"
    if role == ADMIN:
        assert any(url.startswith("/admin/") and body for url, body in pages.items())
        assert len([u for u in pages if u.startswith("/admin/")]) > 10
