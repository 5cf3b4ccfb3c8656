"""Fixtures shared by the scheduling and notifications tests (imported by both conftests)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core import mail
from django.utils import timezone

from notifications.services import notifications_scan
from programs.models import Cohort, Enrolment
from relationships.models import Mentorship
from relationships.services import mentorship_create
from tests.factories import CohortFactory, PersonFactory, ProgramFactory, enrol_person


@pytest.fixture
def make_pair(make_user):
    """An active pair: a mentor and a mentee, each in their own time zone. Its program sends no
    pulse surveys unless `pulse_every_days` says (the tests of other mail count every message)."""
    counter = iter(range(1000))

    def make(
        *,
        mentor_tz: str = "Europe/Berlin",
        mentee_tz: str = "America/New_York",
        cadence_days: int = 14,
        started_at: datetime | None = None,
        program=None,
        status: str = Mentorship.Status.ACTIVE,
        pulse_every_days: int = 0,
    ) -> Mentorship:
        n = next(counter)
        program = program or ProgramFactory(
            slug=f"pairs-{n}", cadence_days=cadence_days, pulse_every_days=pulse_every_days
        )
        cohort = CohortFactory(
            program=program, slug=f"pairs-{n}-cohort", status=Cohort.Status.ACTIVE
        )
        mentor = PersonFactory(
            user=make_user(email=f"mentor{n}@example.org", first_name="Mona", timezone=mentor_tz)
        )
        mentee = PersonFactory(
            user=make_user(email=f"mentee{n}@example.org", first_name="Milo", timezone=mentee_tz)
        )
        for person, role in ((mentor, Enrolment.Role.MENTOR), (mentee, Enrolment.Role.MENTEE)):
            enrol_person(cohort, person, role)
        mentorship = mentorship_create(cohort=cohort, mentor=mentor, mentees=[mentee])
        Mentorship.objects.filter(pk=mentorship.pk).update(
            status=status, started_at=started_at or timezone.now()
        )
        mentorship.refresh_from_db()
        return mentorship

    return make


@pytest.fixture
def pair(make_pair):
    return make_pair()


@pytest.fixture
def scan(django_capture_on_commit_callbacks):
    """One beat scan, with the tasks it enqueues run (eagerly) once it commits."""

    def run(now: datetime | None = None):
        with django_capture_on_commit_callbacks(execute=True):
            return notifications_scan(now=now)

    return run


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a service and the tasks it enqueues on commit."""

    def run(func, /, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(**kwargs)

    return run


def outbox_to(email: str) -> list:
    return [m for m in mail.outbox if m.to == [email]]
