"""Seeding a database seeded by an older demo: what is missing is filled in, nothing doubles.

Apart from tests/programs/test_seed_demo.py, whose tests share one seeded database: this one
needs an empty one of its own."""

from __future__ import annotations

from collections import Counter

from django.contrib.auth import get_user_model

from portal.demo import MENTOR_EMAIL, demo_cohorts
from programs.models import Enrolment
from tests.programs.test_seed_demo import seed

User = get_user_model()


def roles(cohort_slug: str) -> Counter:
    enrolments = Enrolment.objects.filter(cohort__slug=cohort_slug)
    return Counter(enrolments.values_list("role", flat=True))


def test_seed_fills_in_a_missing_cohort_without_duplicating_people(db, monkeypatch):
    # A database seeded before the peer cohort existed.
    command = "portal.management.commands.seed_demo.demo_cohorts"
    monkeypatch.setattr(command, lambda today: demo_cohorts(today)[:2])
    seed()
    changed = User.objects.get(email=MENTOR_EMAIL)
    changed.set_password("my-own-password")
    changed.save()
    monkeypatch.undo()

    out = seed()

    assert "Loaded 150 people." in out
    assert roles("circles-2027") == {"both": 16}
    assert roles("spring-2027") == {"mentee": 40, "mentor": 20}
    assert User.objects.filter(email=MENTOR_EMAIL).count() == 1
    assert User.objects.get(email=MENTOR_EMAIL).check_password("my-own-password")
