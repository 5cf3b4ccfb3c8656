"""The demo's flash event: under way, some rounds held, planned around who came."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command

from flash.models import Attendance, Meeting, RotationPlan

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_flash_event_with_tables_and_rounds_some_held():
    out = io.StringIO()
    with time_machine.travel(dt.datetime(2026, 11, 22, 15, 2, tzinfo=dt.UTC), tick=False):
        call_command("seed_demo", stdout=out)
    plan = RotationPlan.objects.get(event__cohort__slug="speed-mentoring-today")
    event = plan.event
    assert "Flash: planned speed-mentoring-today, 3 of 6 rounds held, published." in out.getvalue()
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

    again = io.StringIO()
    call_command("seed_demo", stdout=again)
    assert "Flash: speed-mentoring-today already planned." in again.getvalue()
