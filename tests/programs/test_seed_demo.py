from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from flash.models import Attendance, Meeting, RotationPlan
from portal.demo import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    MENTEE_EMAIL,
    MENTOR_EMAIL,
    organisation_rows,
)
from profiles.models import Person
from programs import importing
from programs.models import Cohort, Enrolment, Program
from tests.permissions import module_transaction

User = get_user_model()
ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 22)


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@dataclass
class Seeded:
    output: str
    imported: list[str]  # the cohorts the seed filled through the participant import


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[Seeded]:
    """The demo, seeded once for the module into an empty database (seeding takes seconds);
    each test reads it in a savepoint rolled back after it (`seeded`)."""
    calls: list[str] = []
    real = importing.cohort_import_participants

    def spy(**kwargs):
        calls.append(kwargs["cohort"].slug)
        return real(**kwargs)

    with module_transaction(django_db_blocker), django_db_blocker.unblock():
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("portal.management.commands.seed_demo.cohort_import_participants", spy)
            with time_machine.travel(dt.datetime(2026, 11, 22, 9, tzinfo=dt.UTC), tick=False):
                output = seed()
        yield Seeded(output, calls)


@pytest.fixture
def seeded(demo, db) -> str:
    return demo.output


def roles(cohort_slug: str) -> Counter:
    enrolments = Enrolment.objects.filter(cohort__slug=cohort_slug)
    return Counter(enrolments.values_list("role", flat=True))


def test_seed_creates_the_programs_with_their_settings(seeded):
    leadership = Program.objects.get(slug="engineering-leadership")
    circles = Program.objects.get(slug="peer-learning-circles")

    assert (leadership.name, leadership.format, leadership.enrolment) == (
        "Engineering Leadership",
        "one_to_one",
        "invite_only",
    )
    assert (circles.name, circles.format, circles.enrolment) == (
        "Peer Learning Circles",
        "peer",
        "open",
    )
    coordinator = User.objects.get(email="coordinator@demo.example.org")
    assert list(leadership.coordinators.all()) == [coordinator]
    assert list(circles.coordinators.all()) == [coordinator]
    assert coordinator.has_perm("programs.create_program")
    questions = list(leadership.questions.values_list("slug", "kind", "required", "choices"))
    assert questions == [
        ("focus", "single", True, ["career growth", "technical depth", "leadership"]),
        ("meeting_style", "multiple", False, ["structured", "casual", "walk and talk"]),
    ]


def test_seed_fills_the_cohorts(seeded):
    spring = Cohort.objects.get(slug="spring-2027")
    autumn = Cohort.objects.get(slug="autumn-2026")
    circles = Cohort.objects.get(slug="circles-2027")

    assert (spring.status, autumn.status, circles.status) == ("enrolling", "active", "enrolling")
    assert spring.program.slug == autumn.program.slug == "engineering-leadership"
    assert circles.program.slug == "peer-learning-circles"
    assert autumn.start_date == TODAY - dt.timedelta(days=61)
    assert autumn.end_date == TODAY + dt.timedelta(days=122)
    assert roles("spring-2027") == roles("autumn-2026") == {"mentee": 40, "mentor": 20}
    assert roles("circles-2027") == {"both": 16}
    assert set(autumn.enrolments.values_list("status", flat=True)) == {"approved"}
    assert set(spring.enrolments.values_list("status", flat=True)) == {"invited"}
    assert not Enrolment.objects.filter(person__user__email="coordinator@demo.example.org")


def test_seed_enrols_the_demo_mentor_and_mentee_in_both_leadership_cohorts(seeded):
    for slug in ("spring-2027", "autumn-2026"):
        mentor = Enrolment.objects.get(cohort__slug=slug, person__user__email=MENTOR_EMAIL)
        mentee = Enrolment.objects.get(cohort__slug=slug, person__user__email=MENTEE_EMAIL)
        assert (mentor.role, mentee.role) == ("mentor", "mentee")
        assert 1 <= mentor.capacity <= 3
        assert mentor.expertise and mentee.interests


def test_seed_answers_the_questions_and_gives_mentors_a_capacity(seeded):
    enrolments = Enrolment.objects.filter(cohort__slug="spring-2027")

    assert all(
        e.answers["focus"] in {"career growth", "technical depth", "leadership"} for e in enrolments
    )
    assert all(e.answers.get("meeting_style") for e in enrolments)
    capacities = {e.capacity for e in enrolments if e.role == "mentor"}
    assert capacities <= {1, 2, 3} and len(capacities) > 1
    assert {e.capacity for e in enrolments if e.role == "mentee"} == {None}


def test_seed_keeps_the_directory_and_the_logins(seeded, client):
    assert Person.objects.count() == 150
    assert Person.objects.filter(manager__isnull=True).count() == 1  # the chief executive
    assert "Loaded 150 people." in seeded
    for login in DEMO_LOGINS:
        assert login.email in seeded
        assert EmailAddress.objects.filter(email=login.email, verified=True).exists()
    assert User.objects.get(email="hr@demo.example.org").is_hr_viewer
    assert User.objects.get(email=DEMO_LOGINS[0].email).is_superuser
    hashes = set(User.objects.values_list("password", flat=True))
    assert len(hashes) == 1  # one hash for everyone
    assert User.objects.get(email=MENTOR_EMAIL).check_password(DEMO_PASSWORD)


def test_seed_goes_through_the_participant_import(demo):
    assert sorted(demo.imported) == [
        "autumn-2026",
        "circles-2027",
        "speed-mentoring-today",
        "spring-2027",
    ]


def test_a_second_seed_changes_nothing_and_is_cheap(seeded):
    state = (
        list(User.objects.order_by("pk").values()),
        list(Person.objects.order_by("pk").values()),
        list(Enrolment.objects.order_by("pk").values()),
    )

    with CaptureQueriesContext(connection) as queries:
        out = seed()

    assert "Demo data already loaded." in out
    assert len(queries) <= 28  # a lookup per program and cohort, one check per app's seed
    assert state == (
        list(User.objects.order_by("pk").values()),
        list(Person.objects.order_by("pk").values()),
        list(Enrolment.objects.order_by("pk").values()),
    )


def test_the_demo_organisation_is_the_same_in_every_process():
    # Within one process a set or a str hash always has the same order; a new process with
    # another hash seed is what would show the data depending on it.
    script = "import json; from portal.demo import organisation_rows as r; print(json.dumps(r()))"
    outputs = [
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=os.environ | {"PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    ]
    assert json.loads(outputs[0]) == json.loads(outputs[1]) == organisation_rows()
    emails = [row["email"] for row in organisation_rows()]
    assert len(emails) == len(set(emails)) == 150


def test_the_demo_has_a_flash_event_with_tables_and_rounds_some_held(seeded):
    """The demo's flash event: under way, some rounds held, planned around who came."""
    plan = RotationPlan.objects.get(event__cohort__slug="speed-mentoring-today")
    event = plan.event
    assert "Flash: planned speed-mentoring-today, 3 of 6 rounds held, published." in seeded
    assert plan.held_rounds == 3 and plan.is_published
    assert event.follow_on_cohort.slug == "spring-2027"
    assert event.tables.filter(name="Video room 1").exclude(link="").exists()
    meetings = Meeting.objects.filter(event=event)
    assert set(meetings.values_list("round", flat=True)) == set(range(1, 7))
    pairs = list(meetings.values_list("mentee_id", "mentor_id"))
    assert len(pairs) == len(set(pairs))
    no_show = Attendance.objects.get(event=event, arrives_round=None).person_id
    assert not meetings.filter(mentee_id=no_show, round__gt=3).exists()
    late = Attendance.objects.get(event=event, arrives_round=4).person_id
    assert set(meetings.filter(mentee_id=late).values_list("round", flat=True)) <= {4, 5, 6}

    assert "Flash: speed-mentoring-today already planned." in seed()
