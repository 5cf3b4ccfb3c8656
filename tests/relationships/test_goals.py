from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from goals.models import Goal, Milestone
from goals.services import goal_checkin, goal_create, goal_update, milestone_toggle
from relationships.services import TransitionError, mentorship_complete


def test_the_mentee_sets_a_goal_with_milestones(active_mentorship, mentee):
    goal = goal_create(
        mentorship=active_mentorship,
        owner=mentee,
        title="Lead a design review",
        success_measure="Run one review end to end",
        target_date=dt.date(2027, 6, 1),
        milestones=["Shadow a review", " ", "Prepare the agenda"],
    )
    assert goal.status == Goal.Status.NOT_STARTED
    assert [m.title for m in goal.milestones.all()] == ["Shadow a review", "Prepare the agenda"]


def test_the_mentor_does_not_own_goals_in_a_one_to_one_pair(active_mentorship, mentor):
    with pytest.raises(TransitionError):
        goal_create(mentorship=active_mentorship, owner=mentor, title="Not mine")


def test_in_a_peer_pair_each_person_owns_their_goals(active_mentorship, mentor, program):
    program.format = "peer"
    program.save()
    active_mentorship.cohort.program.refresh_from_db()
    goal = goal_create(mentorship=active_mentorship, owner=mentor, title="Mine too")
    assert goal.owner == mentor


@time_machine.travel(dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC))
def test_check_ins_move_progress_and_status(active_mentorship, mentee, mentor):
    goal = goal_create(mentorship=active_mentorship, owner=mentee, title="Public speaking")
    goal_checkin(goal=goal, author=mentee, progress=30, note="First meetup talk")
    goal.refresh_from_db()
    assert (goal.progress, goal.status) == (30, Goal.Status.IN_PROGRESS)
    # The mentor may check in too (they discuss the goal together).
    checkin = goal_checkin(goal=goal, author=mentor, progress=100)
    goal.refresh_from_db()
    assert (goal.progress, goal.status) == (100, Goal.Status.ACHIEVED)
    assert checkin.date == dt.date(2027, 3, 1)
    assert [c.progress for c in goal.checkins.all()] == [100, 30]


def test_progress_beyond_100_is_refused(active_mentorship, mentee):
    goal = goal_create(mentorship=active_mentorship, owner=mentee, title="x")
    with pytest.raises(TransitionError):
        goal_checkin(goal=goal, author=mentee, progress=120)


def test_an_outsider_cannot_check_in(active_mentorship, mentee, make_person):
    goal = goal_create(mentorship=active_mentorship, owner=mentee, title="x")
    with pytest.raises(TransitionError):
        goal_checkin(goal=goal, author=make_person("x@example.org"), progress=10)


def test_only_the_owner_edits_and_ticks_milestones(active_mentorship, mentee, mentor):
    goal = goal_create(mentorship=active_mentorship, owner=mentee, title="x", milestones=["one"])
    milestone = goal.milestones.get()
    with pytest.raises(TransitionError):
        milestone_toggle(milestone=milestone, person=mentor)
    milestone_toggle(milestone=milestone, person=mentee)
    milestone.refresh_from_db()
    assert milestone.done
    with pytest.raises(TransitionError):
        goal_update(
            goal=goal, owner=mentor, title="y", success_measure="", target_date=None,
            status="in_progress",
        )  # fmt: skip
    goal_update(
        goal=goal, owner=mentee, title="y", success_measure="", target_date=None,
        status="achieved", new_milestones=["two"],
    )  # fmt: skip
    goal.refresh_from_db()
    assert (goal.title, goal.progress) == ("y", 100)
    assert goal.milestones.count() == 2


def test_goals_are_frozen_once_the_mentorship_ends(active_mentorship, mentee):
    goal = goal_create(mentorship=active_mentorship, owner=mentee, title="x")
    mentorship_complete(mentorship=active_mentorship, actor=None)
    active_mentorship.refresh_from_db()
    goal.mentorship.refresh_from_db()
    with pytest.raises(TransitionError):
        goal_checkin(goal=goal, author=mentee, progress=50)


@pytest.mark.parametrize("page", ["new goal", "edit goal"])
def test_a_milestone_over_the_column_length_is_a_form_error_not_a_server_error(
    client, active_mentorship, mentee, page
):
    # PostgreSQL refuses a value longer than the column (DataError, a 500 page); the form
    # must say so first. Runs on SQLite too, which would store the long value silently.
    client.force_login(mentee.user)
    if page == "new goal":
        url = reverse("goals:goal_create", args=[active_mentorship.pk])
        data = {"title": "Lead a design review"}
    else:
        goal = goal_create(mentorship=active_mentorship, owner=mentee, title="Lead a design review")
        url = reverse("goals:goal_edit", args=[goal.pk])
        data = {"title": goal.title, "status": goal.status}
    data["milestones_text"] = "Shadow a review\n" + "x" * 201

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["form"].errors["milestones_text"] == [
        "Milestone 2 is 201 characters long; a milestone has at most 200."
    ]
    assert not Milestone.objects.exists()
    client.post(url, data | {"milestones_text": "x" * 200})
    assert [len(m.title) for m in Milestone.objects.all()] == [200]
