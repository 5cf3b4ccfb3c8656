"""Saving an edit page unchanged changes nothing: the round-trip matrix in Chromium.

Each case of tests/round_trips.py opens its page as a person who may edit it, presses the save
button without touching a field, and compares every row of the database before and after. A
value the browser cannot show in its field (a date in the wrong format, a time zone mix-up, a
choice missing from a list) comes back empty or different, and the case names the field.

The world is built once for the module, committed, and flushed at the end (as a transactional
test does); one browser context per role stays signed in throughout.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from matching.loading import settings_for
from notifications.models import Category
from notifications.services import preferences_set
from programs.models import Cohort, Enrolment, EnrolmentQuestion, MeetingFormat
from relationships.models import Agreement
from scheduling.models import Meeting
from scheduling.services import reminder_schedule_set
from sessions import crypto
from sessions.models import SessionLog
from sessions.services import private_note_save, session_rate
from tests.browser.conftest import console_errors, sign_in_with_password
from tests.conftest import PASSWORD, create_user
from tests.permissions import COORD, MENTEE, MENTOR, build_world
from tests.round_trips import ROUND_TRIPS

# Each case runs in a transaction of its own on top of the committed world: with PostgreSQL the
# server's writes are committed (and seen), with in-memory SQLite they share the test's
# connection and are rolled back after the case.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# Each request of the signed-in browser touches its session row; that is not the form's doing.
# Not edits: the session, and the read mark the pair page sets when it shows the thread.
# Bookkeeping, not what a form saved: sign-in sessions, read marks, and the reports' data
# version (a save that touches an `auto_now` field raises it, as any write does).
UNTRACKED = {"sessions.Session", "conversations.ThreadRead", "reports.DataVersion"}


# Values compared as what they mean: a private note is encrypted afresh on every save.
READ_AS = {("mentoring_sessions.PrivateNote", "ciphertext"): crypto.decrypt}

CRLF = "\r\n"  # how a browser sends the line breaks of a text area


def fill_in(world: dict) -> None:
    """Every field the edit forms show, filled as people fill them: line breaks as a browser
    sends them, times to the minute, everyone in a time zone other than UTC."""
    users = world["users"]
    for role, zone in (
        (MENTEE, "Asia/Kolkata"),
        (MENTOR, "America/New_York"),
        (COORD, "Europe/Berlin"),
    ):
        users[role].timezone = zone
        users[role].save(update_fields=["timezone"])
    mentee, mentor = users[MENTEE].person, users[MENTOR].person
    mentee.job_title, mentee.department, mentee.location = "Analyst", "Finance", "Pune"
    mentee.languages, mentee.bio = ["en", "hi"], f"Numbers by day,{CRLF}choir by night."
    mentee.save()

    program = world["program"]
    program.description = f"For new leads.{CRLF}Six months."
    program.default_capacity, program.cadence_days = 2, 21
    program.enrolment = program.Enrolment.OPEN
    program.save()
    Cohort.objects.filter(pk=world["cohort"].pk).update(
        start_date=dt.date(2027, 3, 1),
        end_date=dt.date(2027, 9, 30),
        enrolment_opens=dt.date(2027, 1, 11),
        enrolment_closes=dt.date(2027, 2, 12),
    )
    question = world["question"]
    question.kind, question.required = EnrolmentQuestion.Kind.MULTIPLE, True
    question.choices = ["Leading", "Speaking", "Writing"]
    question.save()
    kinds = EnrolmentQuestion.Kind
    EnrolmentQuestion.objects.create(
        program=program, slug="track", text="Track?", kind=kinds.SINGLE, choices=["IC", "Lead"]
    )
    EnrolmentQuestion.objects.create(program=program, slug="sure", text="Sure?", kind=kinds.SCALE)
    EnrolmentQuestion.objects.create(program=program, slug="hopes", text="Hopes?")
    Enrolment.objects.filter(pk=world["mentor_enrolment"].pk).update(
        status=Enrolment.Status.APPROVED,
        expertise=["python", "public speaking"],
        capacity=2,
        preferred_format=MeetingFormat.VIDEO,
        availability="Tuesday mornings",
        answers={
            "focus": ["Leading", "Writing"],
            "track": "Lead",
            "sure": 4,
            "hopes": f"Calm{CRLF}reviews",
        },
    )

    settings = settings_for(program)
    slugs = ["focus", "track"]
    # As a coordinator saved them before: whole numbers, every criterion written out.
    settings.weights = {k: float(round(v)) for k, v in settings.effective_weights(slugs).items()}
    settings.department_preference = settings.Department.SAME
    settings.max_tz_gap_hours, settings.exclude_same_manager = 6, True
    settings.max_requests, settings.request_expiry_days = 2, 10
    settings.save()
    reminder_schedule_set(program=program, offsets_minutes=[2 * 24 * 60, 90])
    # Someone who saved their preferences before has a row for every category.
    preferences_set(user=users[COORD], enabled={c.value: c != Category.NUDGES for c in Category})

    Agreement.objects.filter(mentorship=world["mentorship"]).update(
        cadence_days=21,
        preferred_format=MeetingFormat.VIDEO,
        mentor_commitments=f"Answer within a day.{CRLF}Bring examples.",
        mentee_commitments="Set the agenda.",
    )
    goal = world["goal"]
    goal.success_measure = f"Two talks given{CRLF}and one written up"
    goal.target_date, goal.status, goal.progress = dt.date(2027, 6, 30), "in_progress", 40
    goal.save()

    session = world["session"]
    occurred = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(days=3)
    SessionLog.objects.filter(pk=session.pk).update(
        occurred_at=occurred,
        duration_minutes=50,
        topics=["feedback", "planning"],
        shared_notes=f"Reviewed the draft.{CRLF}Next: the outline.",
    )
    session_rate(session=session, person=mentor, rating=4, feedback="Useful")
    private_note_save(session=session, author=mentor, body=f"Mine{CRLF}only")

    # 15:00 in New York a week ahead: never a time a daylight-saving change skips or repeats.
    new_york = zoneinfo.ZoneInfo("America/New_York")
    day = timezone.localdate(timezone=new_york) + dt.timedelta(days=7)
    Meeting.objects.filter(pk=world["meeting"].pk).update(
        start=dt.datetime.combine(day, dt.time(15, 0), tzinfo=new_york),
        duration_minutes=45,
        format=MeetingFormat.VIDEO,
        video_url="https://meet.example.org/abc-def",
        agenda=f"1. Goals{CRLF}2. Next steps",
    )


@pytest.fixture(scope="module")
def round_trip_world(django_db_setup, django_db_blocker):
    # The database stays open for the whole module: the server thread uses it between steps.
    with django_db_blocker.unblock():
        try:
            world = build_world(lambda **kwargs: create_user(PASSWORD, **kwargs))
            fill_in(world)
            yield world
        finally:
            call_command("flush", interactive=False, verbosity=0)
            # With Playwright's loop running, Django keeps this thread's connections apart from
            # the ones opened before; close them, or the test database cannot be dropped.
            connections.close_all()


@pytest.fixture(scope="module")
def round_trip_server(round_trip_world):
    server = LiveServer("localhost")
    server._live_server_modified_settings.enable()
    yield server
    server._live_server_modified_settings.disable()
    server.stop()


@pytest.fixture(scope="module")
def signed_in(browser, round_trip_server, round_trip_world):
    """A browser context per role, signed in once before the first case."""
    contexts = {}
    for role in sorted({case.role for case in ROUND_TRIPS.values()}):
        context = browser.new_context(base_url=round_trip_server.url, timezone_id="UTC")
        context.set_default_timeout(15_000)
        page = context.new_page()
        sign_in_with_password(page, round_trip_world["users"][role])
        expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()
        page.close()
        contexts[role] = context
    yield contexts
    for context in contexts.values():
        context.close()


def database_rows() -> dict[tuple[str, object], dict]:
    """Every row of every table, by model and primary key; `auto_now` fields are left out (they
    say when a save happened, not what it saved)."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        if label in UNTRACKED:
            continue
        fields = [
            f.attname for f in model._meta.concrete_fields if not getattr(f, "auto_now", False)
        ]
        for row in model._base_manager.values(*fields):
            for name in row:
                if (label, name) in READ_AS:
                    row[name] = READ_AS[label, name](row[name])
            rows[label, row[model._meta.pk.attname]] = row
    return rows


def differences(before: dict, after: dict, allowed: frozenset[str]) -> list[str]:
    found = []
    for key in sorted(before.keys() | after.keys(), key=repr):
        label, pk = key
        if key not in after:
            found.append(f"{label} {pk} deleted")
        elif key not in before:
            found.append(f"{label} {pk} added: {after[key]}")
        else:
            for name, old in before[key].items():
                new = after[key][name]
                if old != new and f"{label}.{name}" not in allowed:
                    found.append(f"{label}.{name} of {pk}: {old!r} -> {new!r}")
    return found


@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
def test_saving_an_edit_page_unchanged_changes_nothing(name, round_trip_world, signed_in):
    case = ROUND_TRIPS[name]
    url = reverse(name, kwargs=case.kwargs(round_trip_world))
    page = signed_in[case.role].new_page()
    errors = console_errors(page)
    before = database_rows()
    for button in case.buttons:
        page.goto(url)
        page.get_by_role("button", name=button, exact=True).click()
        # A save the browser or the form's own checks stopped would change nothing either.
        expect(page.locator(".alert-success"), f"{button!r} did not save").to_be_visible()
    page.close()
    changed = differences(before, database_rows(), case.changes)
    assert not changed, "saving unchanged changed:\n" + "\n".join(changed)
    assert errors == [], f"browser console errors: {errors}"
