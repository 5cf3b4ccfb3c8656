"""The coordinator's event pages, as a coordinator uses them."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from flash.models import Attendance, RotationPlan
from notifications.models import Dispatch
from programs.services import cohort_create, program_create
from tests.flash.builders import flash_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def flash_world():
    return flash_event(mentors=3, mentees=5, rounds=4, tables=["Window", "Garden"])


@pytest.fixture
def client_in(client, flash_world):
    client.force_login(flash_world.coordinator)
    return client


def url(name: str, world) -> str:
    return reverse(name, args=[world.cohort.slug])


def test_the_event_page_shows_the_grid_with_tables_names_and_figures(client_in, flash_world):
    response = client_in.get(url("flash:event", flash_world))
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("Window", "Garden", "Table 3"):
        assert name in html
    first = flash_world.meetings(round_=1)[0]
    assert first.mentor.name in html and first.mentee.name in html
    figures = response.context["figures"]
    assert figures.repeats == 0
    assert figures.seated == [3, 3, 3, 3]
    assert figures.sitting_out == [2, 2, 2, 2]
    assert figures.objective <= figures.upper_bound
    assert "Re-plan remaining rounds" in html
    # Not a matching page: a flash cohort has no matching tabs.
    assert reverse("matching:cohort", args=[flash_world.cohort.slug]) not in html


def test_the_event_page_reads_the_same_number_of_queries_at_two_sizes(client):
    counts = []
    for mentors, mentees in ((2, 3), (8, 20)):
        world = flash_event(mentors=mentors, mentees=mentees, rounds=4)
        Attendance.objects.create(event=world.event, person=world.mentees[0], arrives_round=2)
        client.force_login(world.coordinator)
        for name in ("flash:event", "flash:event_print", "flash:event_csv"):
            with CaptureQueriesContext(connection) as queries:
                client.get(url(name, world))
            counts.append((name, len(queries)))
    small, large = counts[:3], counts[3:]
    assert small == large


def test_print_layout_has_one_section_per_round_and_the_print_css(client_in, flash_world):
    html = client_in.get(url("flash:event_print", flash_world)).content.decode()
    assert html.count('class="flash-print-round"') == 4
    assert "css/flash-print.css" in html


def test_csv_has_one_row_per_seat_with_times_tables_and_emails(client_in, flash_world):
    response = client_in.get(url("flash:event_csv", flash_world))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "round", "starts_at", "table", "link", "mentor", "mentor_email", "mentee", "mentee_email",
    ]  # fmt: skip
    assert len(rows) - 1 == len(flash_world.meetings())
    assert rows[1][0] == "1" and rows[1][1].startswith("2027-03-04T14:00")
    assert rows[1][2] == "Window" and "@example.org" in rows[1][5]


def test_mark_a_no_show_then_replan_keeps_the_held_round(client_in, flash_world):
    first = {(m.mentee_id, m.mentor_id) for m in flash_world.meetings(round_=1)}
    gone = flash_world.mentees[0]
    response = client_in.post(
        url("flash:event_attendance", flash_world), {"person": gone.pk, "arrives": "no_show"}
    )
    assert response.status_code == 302
    assert Attendance.objects.get(person=gone).is_no_show
    client_in.post(url("flash:event_plan", flash_world), {"held": "1"})
    assert {(m.mentee_id, m.mentor_id) for m in flash_world.meetings(round_=1)} == first
    assert not [m for m in flash_world.meetings() if m.round > 1 and m.mentee_id == gone.pk]
    assert RotationPlan.objects.get(event=flash_world.event).held_rounds == 1
    # Clearing the mark: on time again.
    client_in.post(
        url("flash:event_attendance", flash_world), {"person": gone.pk, "arrives": "on_time"}
    )
    assert not Attendance.objects.exists()


def test_a_late_arrival_is_marked_for_their_round(client_in, flash_world):
    late = flash_world.mentors[1]
    client_in.post(url("flash:event_attendance", flash_world), {"person": late.pk, "arrives": "3"})
    assert Attendance.objects.get(person=late).arrives_round == 3
    page = client_in.get(url("flash:event", flash_world)).content.decode()
    assert "arrives for round 3" in page


def test_attendance_for_someone_outside_the_event_is_refused(client_in, flash_world):
    other = flash_event(mentors=1, mentees=1)
    response = client_in.post(
        url("flash:event_attendance", flash_world),
        {"person": other.mentees[0].pk, "arrives": "no_show"},
    )
    assert response.status_code == 302
    assert not Attendance.objects.exists()


def test_publish_tells_participants(client_in, flash_world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_in.post(url("flash:event_publish", flash_world))
    assert RotationPlan.objects.get(event=flash_world.event).is_published
    assert Dispatch.objects.filter(kind="flash_schedule_ready").count() == 8


def test_settings_save_the_event_and_its_tables(client_in, flash_world):
    one_to_one = program_create(
        name="Follow", slug="follow", coordinators=[flash_world.coordinator]
    )
    follow = cohort_create(program=one_to_one, name="After", slug="after")
    response = client_in.post(
        url("flash:event_settings", flash_world),
        {
            "starts_at": "2027-03-04T15:30",
            "rounds": "5",
            "round_minutes": "8",
            "break_minutes": "2",
            "table_size": "1",
            "follow_on_cohort": str(follow.pk),
            "tables": "Window | https://meet.example.org/w\nGarden\nRoof",
        },
    )
    assert response.status_code == 302
    flash_world.event.refresh_from_db()
    assert (flash_world.event.rounds, flash_world.event.round_minutes) == (5, 8)
    # The audit log says which settings changed, not to what.
    (entry,) = AuditEvent.objects.filter(action=AuditEvent.Action.SETTINGS_CHANGED)
    assert entry.detail["settings"] == "flash event"
    assert {"rounds", "round_minutes", "tables"} <= set(entry.detail["fields"])
    assert "Window" not in str(entry.detail) and entry.object_id == str(flash_world.cohort.pk)
    assert flash_world.event.follow_on_cohort == follow
    assert [(t.name, t.link) for t in flash_world.tables] == [
        ("Window", "https://meet.example.org/w"), ("Garden", ""), ("Roof", ""),
    ]  # fmt: skip
    # The mentors keep their tables: the third table was renamed, not replaced.
    assert {m.table.name for m in flash_world.meetings()} == {"Window", "Garden", "Roof"}
    assert (
        "more rounds than the plan"
        in client_in.get(url("flash:event", flash_world)).content.decode()
    )


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        ("Window\nwindow", "each table needs its own name"),
        ("Window | not a link", "is not a web address"),
        ("| https://meet.example.org/x", "has a link but no name"),
    ],
)
def test_bad_tables_are_field_errors(client_in, flash_world, tables, message):
    data = {"rounds": "4", "round_minutes": "10", "break_minutes": "2", "table_size": "1"}
    response = client_in.post(url("flash:event_settings", flash_world), data | {"tables": tables})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_follow_on_cohorts_are_one_to_one_cohorts_the_coordinator_runs(client_in, flash_world):
    mine = program_create(name="Mine", slug="mine", coordinators=[flash_world.coordinator])
    cohort_create(program=mine, name="Mine 1", slug="mine-1")
    theirs = program_create(name="Theirs", slug="theirs")
    cohort_create(program=theirs, name="Theirs 1", slug="theirs-1")
    group = program_create(
        name="Group", slug="group", format="group", coordinators=[flash_world.coordinator]
    )
    cohort_create(program=group, name="Group 1", slug="group-1")
    form = client_in.get(url("flash:event_settings", flash_world)).context["form"]
    assert [c.slug for c in form.fields["follow_on_cohort"].queryset] == ["mine-1"]


def test_the_matching_page_of_a_flash_cohort_leads_to_its_event(client_in, flash_world):
    response = client_in.get(reverse("matching:cohort", args=[flash_world.cohort.slug]))
    assert response.status_code == 302
    assert response.url == url("flash:event", flash_world)
    page = client_in.get(flash_world.cohort.get_absolute_url()).content.decode()
    assert url("flash:event", flash_world) in page
    assert "Plan the rounds" in page


def test_planning_an_event_with_nobody_shows_why(client_in):
    empty = flash_event(mentors=0, mentees=0, planned=False)
    client_in.force_login(empty.coordinator)
    response = client_in.post(url("flash:event_plan", empty), follow=True)
    assert "Nobody to seat" in response.content.decode()


def test_removing_a_table_moves_its_mentor_to_a_new_one(client_in, flash_world):
    data = {"rounds": "4", "round_minutes": "10", "break_minutes": "2", "table_size": "1"}
    client_in.post(url("flash:event_settings", flash_world), data | {"tables": "Window"})
    assert all(m.table is not None for m in flash_world.meetings())
    hosts = {}
    for m in flash_world.meetings():
        assert hosts.setdefault(m.mentor_id, m.table_id) == m.table_id
    assert len(set(hosts.values())) == 3
    assert [t.name for t in flash_world.tables] == ["Window", "Table 2", "Table 3"]
