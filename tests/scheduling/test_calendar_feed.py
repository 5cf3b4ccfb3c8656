from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from scheduling.models import CalendarFeed, Meeting
from scheduling.services import meeting_cancel, meeting_schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings(pair, make_pair):
    soon = timezone.now() + timedelta(days=2)
    mine = meeting_schedule(mentorship=pair, scheduled_by=pair.mentor.user, start=soon)
    dropped = meeting_schedule(
        mentorship=pair, scheduled_by=pair.mentor.user, start=soon + timedelta(days=1)
    )
    meeting_cancel(meeting=dropped, by=pair.mentor.user)
    other = make_pair()
    theirs = meeting_schedule(mentorship=other, scheduled_by=other.mentor.user, start=soon)
    return mine, dropped, theirs


def uids(response) -> set[str]:
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]) for event in calendar.walk("VEVENT")}


def test_the_feed_lists_my_meetings_without_signing_in(pair, meetings):
    mine, _dropped, _theirs = meetings
    client = Client()
    client.force_login(pair.mentees.get().user)
    client.post(reverse("scheduling:calendar_renew"))
    feed = CalendarFeed.objects.get(user=pair.mentees.get().user)
    response = Client().get(feed.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert uids(response) == {mine.uid}  # not the cancelled one, not another pair's
    feed.refresh_from_db()
    assert feed.last_read_at is not None


def test_renewing_the_address_retires_the_old_one_and_revoking_ends_it(pair, meetings):
    user = pair.mentor.user
    client = Client()
    client.force_login(user)
    assert client.get(reverse("scheduling:calendar_settings")).status_code == 200
    client.post(reverse("scheduling:calendar_renew"))
    old = CalendarFeed.objects.get(user=user).get_absolute_url()
    client.post(reverse("scheduling:calendar_renew"))
    new = CalendarFeed.objects.get(user=user).get_absolute_url()
    assert old != new
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    page = client.get(reverse("scheduling:calendar_settings"))
    assert new.encode() in page.content
    client.post(reverse("scheduling:calendar_revoke"))
    assert Client().get(new).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_a_meetings_ics_download_is_for_the_pair_only(pair, meetings, make_pair):
    mine = meetings[0]
    client = Client()
    client.force_login(pair.mentor.user)
    response = client.get(reverse("scheduling:meeting_ics", args=[mine.pk]))
    assert response.status_code == 200
    assert uids(response) == {mine.uid}
    stranger = Client()
    stranger.force_login(make_pair().mentor.user)
    assert stranger.get(reverse("scheduling:meeting_ics", args=[mine.pk])).status_code == 404
    assert Meeting.objects.count() == 3


def test_coordinators_set_the_reminder_times_of_their_program(pair, make_user):
    from scheduling.messages import reminder_offsets

    coordinator = make_user(email="cora@example.org")
    program = pair.cohort.program
    program.coordinators.add(coordinator)
    client = Client()
    client.force_login(coordinator)
    url = reverse("scheduling:reminder_settings", args=[program.slug])
    assert client.get(url).status_code == 200
    assert b"1d, 1h" in client.get(url).content
    response = client.post(url, {"offsets": "2d, 90m, 15m"})
    assert response.status_code == 302
    assert reminder_offsets()[program.pk] == [2880, 90, 15]
    response = client.post(url, {"offsets": "3 weeks"})
    assert response.status_code == 200
    assert reminder_offsets()[program.pk] == [2880, 90, 15]


def test_a_nul_byte_in_the_feed_address_is_not_found_before_any_query(
    django_assert_num_queries,
):
    """PostgreSQL refuses text with NUL: the token reached the database and the feed said 500."""
    with django_assert_num_queries(0):
        assert Client().get("/calendar/%00.ics").status_code == 404
        assert Client().get("/calendar/abc%00def.ics").status_code == 404
        assert Client().get("/calendar/abc.ics", {"x": "\x00"}).status_code == 400
