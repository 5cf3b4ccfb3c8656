"""create_cohort --format flash and plan_flash_rounds, from a CSV to published rounds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core import mail
from django.core.management.base import CommandError

from flash.models import Meeting, RotationPlan
from programs.models import Cohort, FlashEvent
from tests.flash.builders import flash_event
from tests.support.commands import people_file
from tests.support.commands import run_command as run

pytestmark = pytest.mark.django_db


@pytest.fixture
def people_csv(tmp_path: Path) -> Path:
    return people_file(tmp_path, 40, seed=5)


def test_create_cohort_makes_a_flash_event_with_defaults():
    out = run("create_cohort", "speed", "speed-may", "--format", "flash")
    event = FlashEvent.objects.get(cohort__slug="speed-may")
    assert (event.rounds, event.round_minutes, event.table_size) == (6, 10, 1)
    assert "Flash event: 6 rounds of 10 min" in out


def test_create_cohort_options_set_the_event_and_its_tables():
    run(
        "create_cohort", "speed", "speed-may", "--format", "flash",
        "--starts-at", "2027-05-06T14:00+02:00", "--rounds", "8", "--round-minutes", "12",
        "--break-minutes", "3", "--table-size", "2", "--tables", "Window, Garden,Room 3",
    )  # fmt: skip
    event = FlashEvent.objects.get(cohort__slug="speed-may")
    assert (event.rounds, event.round_minutes, event.break_minutes, event.table_size) == (
        8, 12, 3, 2,
    )  # fmt: skip
    assert event.starts_at.isoformat() == "2027-05-06T12:00:00+00:00"
    assert [t.name for t in event.tables.all()] == ["Window", "Garden", "Room 3"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rounds", "3"], "--rounds: only for a flash event"),
        (["--tables", "A,B"], "--tables: only for a flash event"),
        (["--format", "group", "--table-size", "2"], "--table-size: only for a flash event"),
    ],
)
def test_flash_options_are_refused_for_other_formats(args, message):
    with pytest.raises(CommandError, match=message):
        run("create_cohort", "plain", "plain-1", *args)
    assert not Cohort.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rounds", "0"], "rounds"),
        (["--starts-at", "tomorrow"], "--starts-at must be a date and time"),
        (["--tables", "A,a"], "its own name"),
    ],
)
def test_bad_flash_options_exit_with_a_message_and_write_nothing(args, message):
    with pytest.raises(CommandError, match=message):
        run("create_cohort", "speed", "speed-may", "--format", "flash", *args)
    assert not Cohort.objects.exists()


def test_the_command_line_takes_a_csv_to_published_rounds(
    people_csv, django_capture_on_commit_callbacks
):
    run("create_cohort", "speed", "speed-may", "--format", "flash", "--rounds", "4")
    run("import_participants", "speed-may", str(people_csv), "--enrol")
    with django_capture_on_commit_callbacks(execute=True):
        out = run("plan_flash_rounds", "speed-may", "--json", "--publish")

    payload = json.loads(out)  # exactly one object, nothing else printed
    assert set(payload) == {"cohort", "rounds", "objective", "upper_bound", "seconds"}
    assert payload["cohort"] == "speed-may"
    assert [r["round"] for r in payload["rounds"]] == [1, 2, 3, 4]
    first = payload["rounds"][0]
    assert set(first) == {"round", "pairs", "sitting_out"}
    assert first["pairs"] and set(first["pairs"][0]) == {"mentee", "mentor", "score"}
    assert all(isinstance(p["score"], float) for r in payload["rounds"] for p in r["pairs"])
    assert all("@" in e for r in payload["rounds"] for e in r["sitting_out"])
    pairs = [(p["mentee"], p["mentor"]) for r in payload["rounds"] for p in r["pairs"]]
    assert len(pairs) == len(set(pairs)) == Meeting.objects.count()
    assert 0 < payload["objective"] <= payload["upper_bound"]
    assert isinstance(payload["seconds"], float)
    assert RotationPlan.objects.get().is_published
    seated = {e for pair in pairs for e in pair}
    assert len(mail.outbox) == len(seated)


def test_plain_output_lists_rounds_and_keeps_held_ones():
    world = flash_event(mentors=2, mentees=3, rounds=3)
    first = [(m.mentee_id, m.mentor_id) for m in world.meetings(round_=1)]
    out = run("plan_flash_rounds", world.cohort.slug, "--held", "1")
    assert "Round 1: 2 seated, 1 sitting out (held, kept)" in out
    assert "no pair twice" in out
    assert [(m.mentee_id, m.mentor_id) for m in world.meetings(round_=1)] == first


def test_a_cohort_that_is_not_a_flash_event_exits_1():
    run("create_cohort", "plain", "plain-1")
    with pytest.raises(CommandError, match="not a flash event"):
        run("plan_flash_rounds", "plain-1")


def test_an_event_with_nobody_to_seat_exits_1():
    run("create_cohort", "speed", "speed-may", "--format", "flash")
    with pytest.raises(CommandError, match="Nobody to seat"):
        run("plan_flash_rounds", "speed-may", "--json")


def test_an_unknown_cohort_exits_1():
    with pytest.raises(CommandError, match="No cohort"):
        run("plan_flash_rounds", "nope")
