"""Weekly availability, booking an offered time, and "same time in N weeks".

The pair: Mona in Berlin (15:00-18:00 on weekdays) and Milo in New York (09:00-12:00): three
hours in common while the gap is 6 hours, two from 14 to 26 March 2027 while it is 5.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from profiles.models import AvailabilityRange
from profiles.services import availability_of, availability_set
from relationships.models import Agreement
from scheduling.models import Meeting
from scheduling.services import meeting_cancel, meeting_schedule
from tests.notifications.pairs import outbox_to

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # a Monday
WEEKDAYS = range(5)


def client_of(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


@pytest.fixture
def available_pair(pair):
    mentee = pair.mentees.get()
    availability_set(person=pair.mentor, ranges=[(d, 15 * 60, 18 * 60) for d in WEEKDAYS])
    availability_set(person=mentee, ranges=[(d, 9 * 60, 12 * 60) for d in WEEKDAYS])
    pair.mentee = mentee
    return pair


def offered(response) -> dict[str, list[tuple[str, list]]]:
    """Day (ISO) -> [(time on the viewer's clock, [(partner, their time)])]."""
    return {
        f"{entry['day']:%Y-%m-%d}": [(slot["mine"], slot["theirs"]) for slot in entry["slots"]]
        for entry in response.context["days"]
    }


def book(client, pair, start: datetime, duration: int = 60, capture=None):
    url = reverse("scheduling:meeting_book", args=[pair.pk])
    data = {"start": start.isoformat(), "duration_minutes": duration}
    if capture is None:
        return client.post(url, data)
    with capture(execute=True):
        return client.post(url, data)


# --- Availability ----------------------------------------------------------------------------


def test_a_person_keeps_several_ranges_a_day_and_saving_unchanged_writes_nothing(pair):
    client = client_of(pair.mentor)
    url = reverse("profiles:availability")
    response = client.post(
        url, {"monday": "9-12, 14:00-17:30", "wednesday": "13:30 - 15:00, 14:00-16:00"}
    )
    assert response.status_code == 302
    assert availability_of(pair.mentor) == [(0, 540, 720), (0, 840, 1050), (2, 810, 960)]
    page = client.get(url)
    assert page.context["form"]["monday"].value() == "09:00\N{EN DASH}12:00, 14:00\N{EN DASH}17:30"
    assert "Europe/Berlin" in page.content.decode()
    ids = set(AvailabilityRange.objects.values_list("pk", flat=True))
    client.post(
        url, {name: page.context["form"][name].value() for name in page.context["form"].fields}
    )
    assert set(AvailabilityRange.objects.values_list("pk", flat=True)) == ids


def test_a_range_over_midnight_is_two_days_and_midnight_ends_a_day(pair):
    client = client_of(pair.mentor)
    url = reverse("profiles:availability")
    assert client.post(url, {"sunday": "22:00-24:00", "monday": "0-1"}).status_code == 302
    assert availability_of(pair.mentor) == [(0, 0, 60), (6, 1320, 1440)]
    assert client.post(url, {"sunday": "22:00-00:00"}).status_code == 302
    assert availability_of(pair.mentor) == [(6, 1320, 1440)]


@pytest.mark.parametrize("text", ["25:00-26:00", "12-9", "noon to 2", "9:75-10", "22-1"])
def test_a_range_that_is_not_one_is_refused_and_nothing_is_saved(pair, text):
    availability_set(person=pair.mentor, ranges=[(1, 600, 660)])
    response = client_of(pair.mentor).post(reverse("profiles:availability"), {"monday": text})
    assert response.status_code == 200
    assert response.context["form"].errors["monday"]
    assert availability_of(pair.mentor) == [(1, 600, 660)]


# --- Offered times -----------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_page_offers_the_times_that_suit_both_across_the_daylight_saving_change(
    available_pair, make_pair
):
    pair = available_pair
    # Mona has a meeting with another mentee on Wednesday, 15:00-16:00 her time.
    other = make_pair()
    other.mentor = pair.mentor
    other.save()
    meeting_schedule(
        mentorship=other, scheduled_by=pair.mentor.user, start=datetime(2027, 3, 3, 14, tzinfo=UTC)
    )
    url = reverse("scheduling:meeting_book", args=[pair.pk])
    client = client_of(pair.mentor)
    days = {}
    for week in range(3):
        days |= offered(client.get(url, {"duration_minutes": 60, "week": week}))
    milo = pair.mentee.name
    assert days["2027-03-01"] == [
        ("15:00", [(milo, "09:00")]),
        ("15:30", [(milo, "09:30")]),
        ("16:00", [(milo, "10:00")]),
        ("16:30", [(milo, "10:30")]),
        ("17:00", [(milo, "11:00")]),
    ]
    assert [mine for mine, _ in days["2027-03-03"]] == ["16:00", "16:30", "17:00"]
    # New York is on summer time from 14 March, Berlin from 28 March: 5 hours apart.
    assert days["2027-03-15"] == [
        ("15:00", [(milo, "10:00")]),
        ("15:30", [(milo, "10:30")]),
        ("16:00", [(milo, "11:00")]),
    ]
    assert "2027-03-06" not in days  # a Saturday
    assert max(days) <= "2027-03-22"  # three weeks ahead
    first_week = offered(client.get(url))
    assert (min(first_week), max(first_week)) == ("2027-03-01", "2027-03-05")


@time_machine.travel(NOW, tick=False)
def test_the_partner_sees_the_same_times_on_their_own_clock(available_pair):
    pair = available_pair
    days = offered(client_of(pair.mentee).get(reverse("scheduling:meeting_book", args=[pair.pk])))
    assert days["2027-03-01"][0] == ("09:00", [(pair.mentor.name, "15:00")])


@time_machine.travel(NOW, tick=False)
def test_a_longer_meeting_is_offered_fewer_times(available_pair):
    url = reverse("scheduling:meeting_book", args=[available_pair.pk])
    client = client_of(available_pair.mentor)
    days = offered(client.get(url, {"duration_minutes": 120, "week": 0}))
    days |= offered(client.get(url, {"duration_minutes": 120, "week": 2}))
    assert [mine for mine, _ in days["2027-03-01"]] == ["15:00", "15:30", "16:00"]
    assert [mine for mine, _ in days["2027-03-15"]] == ["15:00"]


@time_machine.travel(NOW, tick=False)
def test_without_the_partners_availability_nothing_is_offered_and_the_page_says_why(pair):
    availability_set(person=pair.mentor, ranges=[(d, 0, 1440) for d in range(7)])
    response = client_of(pair.mentor).get(reverse("scheduling:meeting_book", args=[pair.pk]))
    assert response.context["days"] == []
    assert "has not set their weekly availability yet" in response.content.decode()


# --- Booking -----------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_picking_an_offered_time_books_it_and_both_get_the_invitation_with_its_ics(
    available_pair, django_capture_on_commit_callbacks
):
    pair = available_pair
    Agreement.objects.filter(mentorship=pair).update(preferred_format="phone")
    start = datetime(2027, 3, 15, 14, 30, tzinfo=UTC)  # 15:30 Berlin, 10:30 New York
    response = book(client_of(pair.mentee), pair, start, 60, django_capture_on_commit_callbacks)
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    assert (meeting.start, meeting.duration_minutes, meeting.format) == (start, 60, "phone")
    assert meeting.scheduled_by == pair.mentee.user
    for email in (pair.mentor.email, pair.mentee.email):
        (message,) = outbox_to(email)
        name, content, _ = message.attachments[0]
        assert name == "invite.ics"
        (event,) = Calendar.from_ical(content).walk("VEVENT")
        assert event.decoded("DTSTART") == start
        assert str(event["UID"]) == meeting.uid

    # A second click (or the partner picking the same time) books nothing more.
    again = book(client_of(pair.mentor), pair, start, 60, django_capture_on_commit_callbacks)
    assert again["Location"] == meeting.get_absolute_url()
    assert Meeting.objects.count() == 1
    assert len(mail.outbox) == 2


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    "start",
    [
        datetime(2027, 3, 15, 16, 30, tzinfo=UTC),  # 12:30 in New York: Milo is not free
        datetime(2027, 3, 13, 14, 30, tzinfo=UTC),  # a Saturday
        datetime(2027, 2, 22, 14, 30, tzinfo=UTC),  # the past
    ],
)
def test_a_time_that_is_not_offered_is_not_booked(available_pair, start):
    response = book(client_of(available_pair.mentor), available_pair, start)
    assert response.status_code == 200
    assert "no longer free" in response.content.decode()
    assert not Meeting.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_time_taken_meanwhile_by_another_meeting_is_not_booked(available_pair, make_pair):
    start = datetime(2027, 3, 10, 14, tzinfo=UTC)
    other = make_pair()
    other.mentees.set([available_pair.mentee])
    meeting_schedule(
        mentorship=other, scheduled_by=other.mentor.user, start=start + timedelta(minutes=30)
    )
    book(client_of(available_pair.mentor), available_pair, start)
    assert not Meeting.objects.filter(mentorship=available_pair).exists()


def test_members_only_book_for_their_pair(available_pair, make_pair):
    stranger = make_pair().mentor
    url = reverse("scheduling:meeting_book", args=[available_pair.pk])
    assert client_of(stranger).get(url).status_code == 404


# --- Same time in N weeks ----------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_same_time_in_two_weeks_books_the_next_one_on_the_schedulers_clock(
    available_pair, django_capture_on_commit_callbacks
):
    pair = available_pair  # the agreement says every 14 days
    first = meeting_schedule(
        mentorship=pair,
        scheduled_by=pair.mentor.user,
        start=datetime(2027, 3, 17, 14, tzinfo=UTC),  # Wednesday 15:00 in Berlin (CET)
        duration_minutes=45,
        format="video",
        video_url="https://meet.example.org/mona-milo",
        agenda="First steps",
    )
    mail.outbox.clear()
    client = client_of(pair.mentor)
    page = client.get(first.get_absolute_url()).content.decode()
    assert "Same time in 2 weeks" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("scheduling:meeting_repeat", args=[first.pk]))
    second = Meeting.objects.exclude(pk=first.pk).get()
    assert response["Location"] == second.get_absolute_url()
    # 31 March, 15:00 in Berlin, now on summer time: 13:00 UTC.
    assert second.start == datetime(2027, 3, 31, 13, tzinfo=UTC)
    assert (second.duration_minutes, second.format, second.video_url, second.agenda) == (
        45, "video", "https://meet.example.org/mona-milo", ""
    )  # fmt: skip
    assert {m.to[0] for m in mail.outbox} == {pair.mentor.email, pair.mentee.email}
    assert all(m.attachments[0][0] == "invite.ics" for m in mail.outbox)

    client.post(reverse("scheduling:meeting_repeat", args=[first.pk]))
    assert Meeting.objects.count() == 2
    assert "Already booked" in client.get(first.get_absolute_url()).content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_rhythm_comes_from_the_agreement(available_pair):
    pair = available_pair
    Agreement.objects.filter(mentorship=pair).update(cadence_days=21)
    first = meeting_schedule(
        mentorship=pair, scheduled_by=pair.mentor.user, start=datetime(2027, 3, 2, 15, tzinfo=UTC)
    )
    client = client_of(pair.mentee)
    assert "Same time in 3 weeks" in client.get(first.get_absolute_url()).content.decode()
    client.post(reverse("scheduling:meeting_repeat", args=[first.pk]))
    assert Meeting.objects.exclude(pk=first.pk).get().start == datetime(2027, 3, 23, 14, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_a_cancelled_meeting_is_not_repeated(available_pair):
    first = meeting_schedule(
        mentorship=available_pair,
        scheduled_by=available_pair.mentor.user,
        start=datetime(2027, 3, 2, 15, tzinfo=UTC),
    )
    meeting_cancel(meeting=first, by=available_pair.mentor.user)
    client = client_of(available_pair.mentor)
    assert "Same time in" not in client.get(first.get_absolute_url()).content.decode()
    client.post(reverse("scheduling:meeting_repeat", args=[first.pk]))
    assert Meeting.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_the_booking_page_takes_as_many_queries_with_many_meetings_as_with_none(available_pair):
    pair = available_pair
    client = client_of(pair.mentor)
    url = reverse("scheduling:meeting_book", args=[pair.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for day in range(12):
        meeting_schedule(
            mentorship=pair,
            scheduled_by=pair.mentor.user,
            start=datetime(2027, 3, 2, 14, tzinfo=UTC) + timedelta(days=day),
        )
    many_ranges = [(d, h * 60, h * 60 + 30) for d in range(7) for h in range(0, 24, 2)]
    availability_set(person=pair.mentor, ranges=many_ranges)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
