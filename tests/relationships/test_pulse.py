""" "Stalled" is one rule (MentorshipQuerySet.with_pulse): the pair's own badge, the cohort's
health page, the coordinator's dashboard pulse, the pair page's next due date and the nudge
scan all read the same annotation, at the same instant."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from relationships.messages import plan_nudges
from relationships.models import Mentorship
from relationships.selectors import cohorts_pulse, with_activity
from relationships.services import agreement_update, mentorship_pause
from sessions.models import SessionLog

DAY = timedelta(days=1)


@pytest.fixture
def pairs(active_mentorship, active_cohort, make_person, mentor):
    """Three active pairs on a 14-day cadence and one paused: `quiet` last met 29 days ago
    (stalled), `recent` 27 days ago (not yet), `weekly` agreed a 7-day cadence and has not met
    for 15 days since it started (stalled), `paused` is quiet but paused (never stalled)."""
    from tests.factories import paired

    now = timezone.now()
    quiet = active_mentorship
    SessionLog.objects.create(
        mentorship=quiet, occurred_at=now - 29 * DAY, duration_minutes=30, logged_by=mentor
    )
    made = {"quiet": quiet}
    for name in ("recent", "weekly", "paused"):
        pair = paired(
            cohort=active_cohort, mentor=make_person(f"{name}-mentor@example.org"),
            mentees=[make_person(f"{name}-mentee@example.org")],
        )  # fmt: skip
        Mentorship.objects.filter(pk=pair.pk).update(
            status=Mentorship.Status.ACTIVE, started_at=now - 40 * DAY
        )
        made[name] = pair
    SessionLog.objects.create(
        mentorship=made["recent"], occurred_at=now - 27 * DAY, duration_minutes=30,
        logged_by=made["recent"].mentor,
    )  # fmt: skip
    weekly = made["weekly"]
    Mentorship.objects.filter(pk=weekly.pk).update(started_at=now - 15 * DAY)
    weekly.refresh_from_db()
    agreement_update(
        mentorship=weekly, actor=None, cadence_days=7, preferred_format="",
        mentor_commitments="", mentee_commitments="",
    )  # fmt: skip
    mentorship_pause(mentorship=Mentorship.objects.get(pk=made["paused"].pk), actor=None)
    return made


def test_every_reader_of_stalled_agrees(pairs, active_cohort, client, program):
    now = timezone.now()
    expected = {pairs["quiet"].pk, pairs["weekly"].pk}

    annotated = Mentorship.objects.with_pulse(now)
    assert {m.pk for m in annotated if m.stalled} == expected
    assert {m.pk for m in Mentorship.objects.all() if m.is_stalled} == expected
    assert {m.pk for m in with_activity(Mentorship.objects.all()) if m.is_stalled} == expected
    assert cohorts_pulse(Mentorship.objects.all())[active_cohort.pk]["stalled"] == 2
    assert {planned.object_id for planned in plan_nudges(now)} == expected

    program.coordinators.add(pairs["quiet"].mentor.user)  # any user who runs the program
    client.force_login(pairs["quiet"].mentor.user)
    page = client.get(
        reverse("relationships:cohort_health", args=[active_cohort.slug]) + "?show=stalled"
    )
    assert {pair.pk for pair in page.context["pairs"]} == expected


def test_the_pair_page_and_the_nudge_count_from_the_same_last_contact(pairs, client):
    quiet = Mentorship.objects.with_pulse().get(pk=pairs["quiet"].pk)
    assert quiet.next_due_at == quiet.last_session_at + 14 * DAY
    assert quiet.stalled_at == quiet.last_session_at + 28 * DAY

    client.force_login(pairs["quiet"].mentor.user)
    page = client.get(reverse("relationships:mentorship_detail", args=[quiet.pk]))
    assert page.context["next_due"] == quiet.next_due_at
    nudge = next(p for p in plan_nudges(timezone.now()) if p.object_id == quiet.pk)
    assert nudge.due_at == quiet.stalled_at


def test_reading_is_stalled_on_listed_pairs_costs_no_query(pairs, django_assert_num_queries):
    rows = list(with_activity(Mentorship.objects.all()))
    with django_assert_num_queries(0):
        assert sum(m.is_stalled for m in rows) == 2
