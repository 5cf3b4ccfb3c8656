from __future__ import annotations

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from scheduling.services import meeting_schedule

pytestmark = pytest.mark.django_db


def test_the_pair_page_section_lists_upcoming_meetings_and_links_to_scheduling(pair):
    meeting = meeting_schedule(
        mentorship=pair, scheduled_by=pair.mentor.user, start=timezone.now() + timedelta(days=1)
    )
    html = render_to_string("scheduling/includes/pair_meetings.html", {"mentorship": pair})
    assert reverse("scheduling:meeting_create", args=[pair.pk]) in html
    assert meeting.get_absolute_url() in html


def test_my_meetings_page_costs_the_same_queries_for_few_or_many_meetings(
    pair, django_assert_max_num_queries
):
    client = Client()
    client.force_login(pair.mentor.user)
    url = reverse("scheduling:meeting_list")

    meetings = []

    def add(count: int) -> None:
        for _ in range(count):
            meetings.append(
                meeting_schedule(
                    mentorship=pair,
                    scheduled_by=pair.mentor.user,
                    start=timezone.now() + timedelta(days=len(meetings) + 1),
                )
            )

    for count in (2, 20):
        add(count)
        with django_assert_max_num_queries(14):
            response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert all(meeting.get_absolute_url() in html for meeting in meetings), len(meetings)
