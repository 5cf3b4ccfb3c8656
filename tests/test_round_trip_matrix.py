"""The round-trip matrix lists every page that edits stored data (see tests/round_trips.py).

Each page of the permission matrix is opened by every role that may open it; a page that shows
a form filled from stored data must be a round-trip case or be excluded with a reason.
"""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.permissions import ANON
from tests.round_trips import NOT_EDITING, ROUND_TRIPS, forms_on, shows_stored_data
from tests.test_permission_matrix import MATRIX


def editing_pages(world: dict) -> set[str]:
    clients = {ANON: Client()}
    for role, user in world["users"].items():
        clients[role] = Client()
        clients[role].force_login(user)
    found: set[str] = set()
    for name, case in MATRIX.items():
        if case.method != "get":
            continue
        url = reverse(name, kwargs=case.kwargs(world))
        for role, status in case.expect.items():
            if status != 200:
                continue
            if any(shows_stored_data(form) for form in forms_on(clients[role].get(url))):
                found.add(name)
                break
    return found


def test_every_editing_page_is_in_the_round_trip_matrix(world):
    found = editing_pages(world)
    listed = ROUND_TRIPS.keys() | NOT_EDITING.keys()
    assert found - listed == set(), "pages that edit stored data, missing from the round trips"
    assert listed - found == set(), "listed pages that no longer show a filled-in form"
    assert ROUND_TRIPS.keys() & NOT_EDITING.keys() == set()
