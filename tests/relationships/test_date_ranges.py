"""Every date the product accepts lies in a sensible range, and what an older version stored
outside it (a session in year 1, a meeting in year 9999) breaks no one's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.dateranges import repair_unreadable
from goals.services import goal_create
from programs.forms import CohortForm
from relationships.services import TransitionError
from reports.management.commands.participation_report import Command
from scheduling.models import Meeting
from scheduling.services import SchedulingError, meeting_schedule
from sessions.models import SessionLog
from sessions.services import session_correct, session_log

ZONES = ["UTC", "America/Los_Angeles", "Asia/Tokyo"]


def session_post(**fields) -> dict:
    return {"duration_minutes": 30, "format": "video", "topics": "", "shared_notes": ""} | fields


@pytest.mark.parametrize("occurred_at", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_a_session_outside_the_cohorts_life_is_refused_with_a_field_error(
    client, active_mentorship, mentee, occurred_at
):
    mentee.user.timezone = "Asia/Tokyo"
    mentee.user.save()
    client.force_login(mentee.user)
    url = reverse("sessions:session_log", args=[active_mentorship.pk])
    response = client.post(url, session_post(occurred_at=occurred_at))
    assert response.status_code == 200
    assert response.context["session_form"].errors["occurred_at"]
    assert not SessionLog.objects.exists()


def test_a_session_long_before_the_cohort_started_is_refused(active_mentorship, mentee):
    active_mentorship.cohort.start_date = dt.date(2026, 1, 1)
    active_mentorship.cohort.save()
    with pytest.raises(TransitionError):
        session_log(
            mentorship=active_mentorship,
            person=mentee,
            occurred_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
            duration_minutes=30,
            format="video",
        )


def test_correcting_a_session_to_year_one_is_refused_with_a_field_error(
    client, active_mentorship, mentor, mentee
):
    session = session_log(
        mentorship=active_mentorship,
        person=mentor,
        occurred_at=timezone.now() - dt.timedelta(days=1),
        duration_minutes=30,
        format="video",
    )
    client.force_login(mentee.user)
    response = client.post(
        reverse("sessions:session_correct", args=[session.pk]),
        session_post(occurred_at="0001-01-01T00:00"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["occurred_at"]
    with pytest.raises(TransitionError):
        session_correct(
            session=session,
            person=mentee,
            occurred_at=dt.datetime(1, 1, 2, tzinfo=dt.UTC),
            duration_minutes=30,
            format="video",
            topics=[],
            shared_notes="",
        )


def test_a_meeting_years_ahead_is_refused(client, active_mentorship, mentor):
    client.force_login(mentor.user)
    response = client.post(
        reverse("scheduling:meeting_create", args=[active_mentorship.pk]),
        {"start": "9999-12-31T23:59", "duration_minutes": 60, "format": "in_person"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["start"]
    with pytest.raises(SchedulingError):
        meeting_schedule(
            mentorship=active_mentorship,
            scheduled_by=mentor.user,
            start=timezone.now() + dt.timedelta(days=3 * 365),
        )
    assert not Meeting.objects.exists()


def test_cohort_and_goal_dates_stay_in_the_calendar(active_mentorship, mentee):
    form = CohortForm(data={"name": "Old", "slug": "old", "start_date": "0001-01-01"})
    assert "start_date" in form.errors
    with pytest.raises(TransitionError):
        goal_create(
            mentorship=active_mentorship, owner=mentee, title="x", target_date=dt.date(9999, 1, 1)
        )
    with pytest.raises(ValidationError):
        active_mentorship.cohort.end_date = dt.date(2500, 1, 1)
        active_mentorship.cohort.full_clean()


@pytest.mark.parametrize("zone", ZONES)
def test_stored_extreme_dates_break_no_page(
    client, active_mentorship, mentor, mentee, site_admin, zone
):
    """Rows an older version let through, written straight to the database."""
    old = SessionLog.objects.create(
        mentorship=active_mentorship,
        occurred_at=dt.datetime(1, 1, 1, tzinfo=dt.UTC),
        duration_minutes=30,
        format="video",
        logged_by=mentor,
    )
    SessionLog.objects.create(
        mentorship=active_mentorship,
        occurred_at=timezone.now() - dt.timedelta(days=2),
        duration_minutes=30,
        format="video",
        logged_by=mentor,
    )
    meeting = Meeting.objects.create(
        mentorship=active_mentorship,
        scheduled_by=mentor.user,
        start=dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC),
    )
    pages = {
        mentee.user: [
            active_mentorship.get_absolute_url(),
            old.get_absolute_url(),
            reverse("sessions:session_correct", args=[old.pk]),
            reverse("scheduling:meeting_list"),
            reverse("scheduling:meeting_detail", args=[meeting.pk]),
        ],
        site_admin: [
            reverse("reports:participation"),
            reverse("reports:sessions_export", args=["xlsx"]),
            reverse("reports:sessions_export", args=["csv"]),
            "/admin/mentoring_sessions/sessionlog/",
            f"/admin/mentoring_sessions/sessionlog/{old.pk}/change/",
            "/admin/scheduling/meeting/",
        ],
    }
    for user, urls in pages.items():
        user.timezone = zone
        user.save()
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            if not response.streaming:
                assert len(response.content) < 1_000_000, url


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_report_filters_with_extreme_dates_give_a_form_error(
    client, active_mentorship, site_admin, day
):
    client.force_login(site_admin)
    for field in ("since", "until"):
        response = client.get(reverse("reports:participation"), {field: day})
        assert response.status_code == 200
        assert response.context["form"].errors[field]


@pytest.mark.parametrize("day", ["0001-01", "9999-12"])
def test_the_report_command_refuses_extreme_dates_with_status_2(db, capsys, day):
    for option in ("--since", "--until"):
        with pytest.raises(SystemExit) as exit_info:
            Command().run_from_argv(["manage.py", "participation_report", option, day])
        assert exit_info.value.code == 2
        assert "Pick a date between" in capsys.readouterr().err


@pytest.mark.postgres
def test_the_repair_migration_makes_times_python_cannot_read_readable(active_mentorship, mentor):
    """PostgreSQL holds 1 BC (year 1 typed east of UTC) and years after 9999; psycopg cannot
    read either back, so every page listing such a row failed until the repair moved it."""
    session = SessionLog.objects.create(
        mentorship=active_mentorship,
        occurred_at=timezone.now() - dt.timedelta(days=3),
        duration_minutes=30,
        format="video",
        logged_by=mentor,
    )
    meeting = Meeting.objects.create(
        mentorship=active_mentorship,
        start=timezone.now() + dt.timedelta(days=3),
        duration_minutes=30,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {SessionLog._meta.db_table} SET occurred_at = "  # noqa: S608
            "'0001-12-31 20:00:00+00 BC'::timestamptz WHERE id = %s",
            [session.pk],
        )
        cursor.execute(
            f"UPDATE {Meeting._meta.db_table} SET start = "  # noqa: S608
            "'10000-01-01 00:00:00+00'::timestamptz WHERE id = %s",
            [meeting.pk],
        )
    with pytest.raises(ValueError):
        list(SessionLog.objects.filter(pk=session.pk).values_list("occurred_at", flat=True))

    with connection.schema_editor() as editor:
        assert (
            repair_unreadable(
                apps, editor, model="mentoring_sessions.SessionLog", field="occurred_at"
            )
            == 1
        )
        assert repair_unreadable(apps, editor, model="scheduling.Meeting", field="start") == 1

    session.refresh_from_db()
    meeting.refresh_from_db()
    assert session.occurred_at.year == 1
    assert meeting.start.year == 9999
