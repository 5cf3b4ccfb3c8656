"""The planning service: the engine's guarantees hold on stored meetings, held rounds stay."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core import mail

from flash.models import Attendance, Meeting
from flash.services import (
    FlashError,
    attendance_mark,
    event_of,
    rotation_plan_create,
    rotation_plan_publish,
    split_both,
)
from matching.loading import settings_for
from notifications.models import Dispatch
from programs.models import Enrolment
from programs.services import cohort_create, program_create
from tests.flash.builders import STARTS_AT, flash_event, flash_person

pytestmark = pytest.mark.django_db


def pairs_by_round(world) -> dict[int, set[tuple[int, int]]]:
    out: dict[int, set[tuple[int, int]]] = {}
    for m in world.meetings():
        out.setdefault(m.round, set()).add((m.mentee_id, m.mentor_id))
    return out


def test_builder_plans_every_round_without_repeats():
    world = flash_event(mentors=3, mentees=5, rounds=4)
    meetings = world.meetings()
    assert {m.round for m in meetings} == set(range(1, 5))
    pairs = [(m.mentee_id, m.mentor_id) for m in meetings]
    assert len(pairs) == len(set(pairs))
    # Nobody twice in a round, on either side.
    for r in range(1, 5):
        in_round = [m for m in meetings if m.round == r]
        assert len({m.mentee_id for m in in_round}) == len(in_round)
        assert len({m.mentor_id for m in in_round}) == len(in_round)
    assert world.plan.held_rounds == 0
    assert [f["seated"] for f in world.plan.rounds] == [3, 3, 3, 3]


def test_figures_count_sitting_out_and_objective_within_bound():
    world = flash_event(mentors=2, mentees=4, rounds=3)
    plan = world.plan
    for figure in plan.rounds:
        assert figure["seated"] == 2
        assert len(figure["sitting_out"]) == 2
    # Fair: nobody sits out twice before everyone has sat out once (4 mentees, 2 out a round).
    out = Counter(p for f in plan.rounds[:2] for p in f["sitting_out"])
    assert set(out.values()) == {1}
    assert 0 < plan.objective <= plan.upper_bound


def test_same_input_gives_the_same_plan():
    world = flash_event(mentors=4, mentees=7, rounds=5)
    first = pairs_by_round(world)
    rotation_plan_create(event=world.event, held_rounds=0)
    assert pairs_by_round(world) == first


def test_replan_keeps_held_rounds_and_replaces_later_ones():
    world = flash_event(mentors=3, mentees=6, rounds=5)
    before = pairs_by_round(world)
    kept_ids = {m.pk for m in world.meetings() if m.round <= 2}
    gone = world.mentees[0]
    attendance_mark(event=world.event, person_id=gone.pk, arrives_round=None)
    plan = rotation_plan_create(event=world.event, held_rounds=2)
    after = pairs_by_round(world)
    assert plan.held_rounds == 2
    assert {m.pk for m in world.meetings() if m.round <= 2} == kept_ids
    assert after[1] == before[1] and after[2] == before[2]
    assert all(mentee != gone.pk for r in (3, 4, 5) for mentee, _ in after.get(r, ()))
    # No pair of a held round meets again later.
    all_pairs = [p for r in after for p in after[r]]
    assert len(all_pairs) == len(set(all_pairs))
    assert [f["held"] for f in plan.rounds] == [True, True, False, False, False]


def test_held_rounds_default_to_the_rounds_already_started():
    world = flash_event(mentors=2, mentees=3, rounds=4, round_minutes=10, break_minutes=2)
    round_two_started = STARTS_AT + dt.timedelta(minutes=13)
    plan = rotation_plan_create(event=world.event, now=round_two_started)
    assert plan.held_rounds == 2


def test_a_no_show_is_never_seated():
    world = flash_event(mentors=2, mentees=3, rounds=3, planned=False)
    Attendance.objects.create(event=world.event, person=world.mentees[1], arrives_round=None)
    Attendance.objects.create(event=world.event, person=world.mentors[0], arrives_round=None)
    rotation_plan_create(event=world.event)
    people = {p for m in world.meetings() for p in (m.mentee_id, m.mentor_id)}
    assert world.mentees[1].pk not in people
    assert world.mentors[0].pk not in people
    assert world.plan.rounds[0]["absent"] == sorted([world.mentees[1].pk, world.mentors[0].pk])


def test_a_late_arrival_is_seated_from_their_round_on():
    world = flash_event(mentors=3, mentees=3, rounds=4, planned=False)
    late = world.mentees[2]
    attendance_mark(event=world.event, person_id=late.pk, arrives_round=3)
    rotation_plan_create(event=world.event)
    rounds = sorted(m.round for m in world.meetings() if m.mentee_id == late.pk)
    assert rounds == [3, 4]


def test_someone_enrolled_as_both_sits_on_one_side_for_the_whole_event():
    world = flash_event(mentors=1, mentees=4, both=3, rounds=4)
    for person in world.both:
        as_mentee = {m.round for m in world.meetings() if m.mentee_id == person.pk}
        as_mentor = {m.round for m in world.meetings() if m.mentor_id == person.pk}
        assert not (as_mentee and as_mentor)
    # Balanced: with one mentor and seven others, some of "both" host a table.
    hosts = {m.mentor_id for m in world.meetings()}
    assert hosts & {p.pk for p in world.both}
    assert all(f["seated"] >= 3 for f in world.plan.rounds)


def side_of(world, person) -> set[str]:
    return {
        "mentor" if m.mentor_id == person.pk else "mentee"
        for m in world.meetings()
        if person.pk in (m.mentee_id, m.mentor_id)
    }


def test_a_both_person_keeps_their_side_after_a_replan():
    world = flash_event(mentors=1, mentees=4, both=3, rounds=4)
    before = {p.pk: side_of(world, p) for p in world.both}
    assert {"mentor"} in before.values()
    # New mentors come: balancing alone would now send every "both" person to the mentee side.
    for _ in range(4):
        Enrolment.objects.create(
            cohort=world.cohort, person=flash_person(), role="mentor", status="approved"
        )
    rotation_plan_create(event=world.event, held_rounds=1)
    assert {p.pk: side_of(world, p) for p in world.both} == before


@pytest.mark.parametrize(
    ("mentees", "mentors", "both", "table_size", "to_mentor"),
    [
        (4, 1, 3, 1, 3),  # 4 mentees and 4 mentors: everyone seated
        (0, 0, 4, 1, 2),
        (0, 0, 6, 2, 2),  # tables of two: 2 hosts seat the other 4
        (5, 5, 2, 1, 1),
    ],
)
def test_split_both_seats_the_most_and_balances(mentees, mentors, both, table_size, to_mentor):
    to_mentee, hosts = split_both(
        mentees=list(range(mentees)),
        mentors=list(range(100, 100 + mentors)),
        both=list(range(200, 200 + both)),
        table_size=table_size,
    )
    assert len(hosts) == to_mentor
    assert sorted(to_mentee + hosts) == list(range(200, 200 + both))


def test_nobody_meets_someone_in_their_reporting_chain():
    world = flash_event(mentors=3, mentees=3, rounds=3, planned=False)
    boss, middle = world.mentors[0], world.mentors[1]
    middle.manager = boss
    middle.save()
    report = world.mentees[0]
    report.manager = middle
    report.save()
    rotation_plan_create(event=world.event)
    met = {m.mentor_id for m in world.meetings() if m.mentee_id == report.pk}
    assert boss.pk not in met and middle.pk not in met
    assert world.meetings()


def test_the_programs_optional_rules_hold():
    world = flash_event(mentors=2, mentees=2, rounds=2, planned=False)
    world.mentors[0].department = "Sales"
    world.mentors[0].save()
    settings = settings_for(world.program)
    settings.exclude_same_department = True
    settings.save()
    rotation_plan_create(event=world.event)
    assert {m.mentor_id for m in world.meetings()} == {world.mentors[0].pk}


def test_mentors_keep_one_table_and_missing_tables_are_added():
    world = flash_event(mentors=3, mentees=3, rounds=3, tables=["Window"])
    names = [t.name for t in world.tables]
    assert names == ["Window", "Table 2", "Table 3"]
    table_of = {}
    for m in world.meetings():
        assert table_of.setdefault(m.mentor_id, m.table_id) == m.table_id
    assert len(set(table_of.values())) == 3


def test_a_cohort_that_is_not_a_flash_event_is_refused(make_user):
    program = program_create(name="One", slug="one")
    cohort = cohort_create(program=program, name="One", slug="one-1")

    with pytest.raises(FlashError, match="not a flash event"):
        event_of(cohort)


def test_nobody_to_seat_is_refused():
    world = flash_event(mentors=2, mentees=0, planned=False)
    with pytest.raises(FlashError, match="Nobody to seat"):
        rotation_plan_create(event=world.event)
    assert not Meeting.objects.exists()


def test_publishing_tells_everyone_seated_once_per_plan(django_capture_on_commit_callbacks):
    world = flash_event(mentors=2, mentees=3, rounds=2)
    with django_capture_on_commit_callbacks(execute=True):
        rotation_plan_publish(event=world.event)
        rotation_plan_publish(event=world.event)
    assert Dispatch.objects.filter(kind="flash_schedule_ready").count() == 5
    assert len(mail.outbox) == 5
    assert "your rounds are ready" in mail.outbox[0].subject
    rotation_plan_create(event=world.event, held_rounds=0)
    with django_capture_on_commit_callbacks(execute=True):
        rotation_plan_publish(event=world.event)
    assert Dispatch.objects.filter(kind="flash_schedule_ready").count() == 10


def test_the_schedule_mail_counts_conversations_in_the_recipients_zone(
    django_capture_on_commit_callbacks,
):
    world = flash_event(mentors=1, mentees=2, rounds=2)
    mentee = world.mentees[0].user
    mentee.timezone = "Asia/Tokyo"
    mentee.save()
    with django_capture_on_commit_callbacks(execute=True):
        rotation_plan_publish(event=world.event)
    sent = next(m for m in mail.outbox if m.to == [mentee.email])
    # Two rounds, one mentor: each mentee meets them once, the mentor meets both.
    assert "you have 1 conversation." in sent.body
    to_mentor = next(m for m in mail.outbox if m.to == [world.mentors[0].user.email])
    assert "you have 2 conversations." in to_mentor.body
    # 14:00 UTC is 23:00 in Tokyo.
    assert "Thursday 4 March 2027, 23:00 (Asia/Tokyo)" in sent.body
    assert f"/flash/{world.cohort.slug}/me/" in sent.body
