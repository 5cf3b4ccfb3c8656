"""The participation report through the API: the same figures as the page, small groups
suppressed the same way, the reader's scope the same."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests.api.conftest import SENTINEL

URL = reverse("api:participation_report")


@pytest.mark.parametrize(("k", "shown"), [(2, 2), (3, "fewer than 3")])
def test_small_groups_are_suppressed(org, client_with, settings, k, shown):
    """Sales has two mentees enrolled (E3, E4)."""
    settings.REPORTS_MIN_GROUP_SIZE = k
    report = client_with(org["hr"]).get(URL).json()
    assert report["min_group_size"] == k
    assert report["by_department"]["Sales"]["mentees_enrolled"] == shown
    assert report["overall"]["mentees_enrolled"] == 5


def test_the_report_holds_aggregates_only(org, other_coordinator, client_with):
    for user in (org["hr"], org["coordinator"], other_coordinator):
        body = client_with(user).get(URL).content.decode()
        assert SENTINEL not in body
        assert "@example.org" not in body


def test_coordinators_see_their_programs_only(org, other_coordinator, client_with, settings):
    settings.REPORTS_MIN_GROUP_SIZE = 1
    theirs = client_with(other_coordinator)
    assert theirs.get(URL).json()["overall"]["mentees_enrolled"] == 3
    response = theirs.get(URL, {"program": "ours"})
    assert response.status_code == 400 and "program" in response.json()


def test_filters_are_checked(org, client_with):
    api = client_with(org["hr"])
    assert api.get(URL, {"since": "2027-13"}).status_code == 400
    assert api.get(URL, {"since": "2027-05", "until": "2027-01"}).status_code == 400
    report = api.get(URL, {"program": "ours", "since": "2027-01", "until": "2027-06"}).json()
    assert report["filters"]["Program"] == "Ours"
    assert json.dumps(report)


def test_participants_get_no_report(org, client_with):
    assert client_with(org["people"]["E1"].user).get(URL).status_code == 403
