"""Each participant's own schedule of a flash event, and its calendar file."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from flash.ics import round_uid
from tests.flash.people_builders import START, four_people, meet, person_in_zone, publish, take_part

pytestmark = pytest.mark.django_db


@pytest.fixture
def flash():
    return four_people()


def get_as(client, person, name, slug):
    client.force_login(person.user)
    return client.get(reverse(name, args=[slug]))


def shown_times(response) -> list[str]:
    return re.findall(r">(\d\d:\d\d)</time>", response.content.decode())


def test_schedule_shows_round_times_in_each_viewers_own_zone(client, flash):
    berlin = get_as(client, flash.people["ana"], "flash:my_schedule", flash.cohort.slug)
    # 14:00 UTC is 15:00 in Berlin and 09:00 in New York in March; rounds of 10 minutes with
    # breaks of 5.
    assert shown_times(berlin) == ["15:00", "15:10", "15:15", "15:25", "15:30", "15:40"]
    assert "Europe/Berlin" in berlin.content.decode()
    new_york = get_as(client, flash.people["ben"], "flash:my_schedule", flash.cohort.slug)
    assert shown_times(new_york) == ["09:00", "09:10", "09:15", "09:25", "09:30", "09:40"]
    assert "America/New_York" in new_york.content.decode()


def test_schedule_shows_whom_you_meet_with_their_one_line_profile_and_the_table(client, flash):
    response = get_as(client, flash.people["ana"], "flash:my_schedule", flash.cohort.slug)
    rounds = response.context["rounds"]
    assert [r.number for r in rounds] == [1, 2, 3]
    assert [s.person for s in rounds[0].seats] == [flash.people["mia"]]
    assert rounds[0].table.name == "Table A"
    assert rounds[1].table.link == "https://video.example.org/room-b"
    assert rounds[2].sitting_out
    html = response.content.decode()
    assert "Head of Data, Data" in html
    assert 'href="https://video.example.org/room-b"' in html
    assert "You sit this round out" in html


def test_a_mentor_sees_the_mentees_at_their_table(client, flash):
    response = get_as(client, flash.people["mia"], "flash:my_schedule", flash.cohort.slug)
    rounds = response.context["rounds"]
    assert [s.person for s in rounds[0].seats] == [flash.people["ana"]]
    assert rounds[0].seats[0].as_mentor
    assert "Analyst, Finance" in response.content.decode()


def test_nobody_sees_a_schedule_of_an_event_they_are_not_in(client, flash):
    outsider = person_in_zone("out@example.org")
    assert get_as(client, outsider, "flash:my_schedule", flash.cohort.slug).status_code == 404
    assert get_as(client, outsider, "flash:my_schedule_ics", flash.cohort.slug).status_code == 404


def test_the_schedule_shows_only_the_viewers_own_meetings(client, flash):
    response = get_as(client, flash.people["ana"], "flash:my_schedule", flash.cohort.slug)
    html = response.content.decode()
    assert flash.people["ben"].name not in html


def test_an_unpublished_plan_is_nobodys_schedule_yet(client, flash):
    flash.event.plan.published_at = None
    flash.event.plan.save()
    response = get_as(client, flash.people["ana"], "flash:my_schedule", flash.cohort.slug)
    assert response.status_code == 404


def test_ics_has_one_event_per_round_with_its_times_and_stable_uids(client, flash):
    ana = flash.people["ana"]
    response = get_as(client, ana, "flash:my_schedule_ics", flash.cohort.slug)
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 3
    starts = [e.decoded("dtstart") for e in events]
    assert starts == [START, START + dt.timedelta(minutes=15), START + dt.timedelta(minutes=30)]
    assert [e.decoded("dtend") - e.decoded("dtstart") for e in events] == [
        dt.timedelta(minutes=10)
    ] * 3
    uids = [str(e["uid"]) for e in events]
    assert uids == [round_uid(flash.event, n, ana) for n in (1, 2, 3)]
    assert "Mia" in str(events[0]["summary"]) or flash.people["mia"].name in str(
        events[0]["summary"]
    )
    assert str(events[0]["location"]) == "Table A"
    assert str(events[1]["location"]) == "https://video.example.org/room-b"
    assert "sit this round out" in str(events[2]["summary"])


def test_a_replan_keeps_the_uids_and_raises_the_sequence(client, flash):
    ana = flash.people["ana"]
    first = Calendar.from_ical(
        get_as(client, ana, "flash:my_schedule_ics", flash.cohort.slug).content
    ).walk("VEVENT")
    publish(flash, at=flash.event.plan.planned_at + dt.timedelta(minutes=5))
    again = Calendar.from_ical(
        get_as(client, ana, "flash:my_schedule_ics", flash.cohort.slug).content
    ).walk("VEVENT")
    assert [str(e["uid"]) for e in first] == [str(e["uid"]) for e in again]
    assert all(b["sequence"] > a["sequence"] for a, b in zip(first, again, strict=True))


def test_the_uids_differ_between_people_and_rounds(client, flash):
    ana, ben = flash.people["ana"], flash.people["ben"]
    uids = {round_uid(flash.event, n, p) for n in (1, 2, 3) for p in (ana, ben)}
    assert len(uids) == 6


def test_after_the_event_the_schedule_points_to_the_choice(client, flash):
    with time_machine.travel(START + dt.timedelta(hours=2)):
        response = get_as(client, flash.people["ana"], "flash:my_schedule", flash.cohort.slug)
    assert reverse("flash:choose", args=[flash.cohort.slug]) in response.content.decode()


@pytest.mark.parametrize("extra", [0, 8])
def test_the_schedule_costs_the_same_queries_however_many_rounds_and_people(
    client, django_assert_max_num_queries, extra
):
    world = four_people(published=False)
    world.event.rounds = 3 + extra
    world.event.save()
    ana = world.people["ana"]
    for n in range(extra):
        mentor = take_part(
            world, person_in_zone(f"mentor{n}@example.org", job_title="Lead"), "mentor"
        )
        meet(world, 3 + n, ana, mentor, table=n % 2)
    publish(world)
    client.force_login(ana.user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("flash:my_schedule", args=[world.cohort.slug]))
    assert len(response.context["rounds"]) == 3 + extra
