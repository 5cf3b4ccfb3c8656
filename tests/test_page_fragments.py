"""Parts of pages cached under the data version (core/fragments.py): a page read again is served
from its parts without computing them, and never shows what a write has since changed, another
reader's part, an old form token or a stale live part."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import portal.views
import relationships.pair
import relationships.views
from conversations.services import message_send
from core.fragments import CLOCK_STEP, CSRF_PLACEHOLDER, fragment_key
from goals.models import Goal
from notifications.models import Dispatch
from programs.models import Enrolment
from programs.services import enrolments_bulk_action
from relationships.services import agreement_confirm, mentorship_create
from reports.versioning import data_version
from tests.conftest import approved_participant
from tests.factories import CohortFactory, EnrolmentFactory, person_from_email

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the data version needs PostgreSQL's triggers"
    ),
    # Real commits: a transaction that wrote reads no cached part, as every test transaction
    # does, so these tests commit as the product does.
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def computed(monkeypatch):
    """Counts how often each page computes its cached parts' context (a miss)."""
    counts: dict[str, int] = {}

    def count(module, name: str) -> None:
        original = getattr(module, name)

        def counted(*args, **kwargs):
            counts[name] = counts.get(name, 0) + 1
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)

    count(relationships.views, "_cohort_health")
    count(relationships.pair, "pair_context")
    count(portal.views, "dashboard_for")
    return counts


@pytest.fixture
def active_pair(make_person, active_cohort):
    """(the mentorship, its mentor, its mentee), the agreement confirmed by both."""
    mentor = approved_participant(make_person, active_cohort, Enrolment.Role.MENTOR)
    mentee = approved_participant(make_person, active_cohort, Enrolment.Role.MENTEE)
    mentorship = mentorship_create(cohort=active_cohort, mentor=mentor, mentees=[mentee])
    for person in (mentor, mentee):
        agreement_confirm(mentorship=mentorship, person=person, actor=person.user)
    return mentorship, mentor, mentee


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def without_tokens(html: str) -> str:
    """The page without its CSRF tokens, which differ on every request."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


def test_a_page_read_again_comes_from_its_parts_and_costs_fewer_queries(
    computed, coordinator, active_cohort, active_pair
):
    client = signed_in(coordinator)
    url = reverse("relationships:cohort_health", args=[active_cohort.slug])
    with CaptureQueriesContext(connection) as first:
        fresh = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as second:
        again = client.get(url).content.decode()
    assert computed["_cohort_health"] == 1
    assert without_tokens(again) == without_tokens(fresh)
    assert len(second.captured_queries) < len(first.captured_queries)
    assert CSRF_PLACEHOLDER not in again


def test_a_write_shows_on_the_next_read_and_a_sign_in_changes_nothing(computed, active_pair):
    mentorship, mentor, mentee = active_pair
    client = signed_in(mentor.user)
    url = mentorship.get_absolute_url()
    client.get(url)
    Goal.objects.create(mentorship=mentorship, owner=mentee, title="Speak at the all-hands")
    assert "Speak at the all-hands" in client.get(url).content.decode()
    assert computed["pair_context"] == 2

    # A partner's new name is on the page too: the user table is watched…
    type(mentee.user).objects.filter(pk=mentee.user_id).update(first_name="Milena")
    assert "Milena" in client.get(url).content.decode()
    assert computed["pair_context"] == 3
    # …but for a sign-in, which changes no page.
    before = data_version()
    type(mentee.user).objects.filter(pk=mentee.user_id).update(last_login=timezone.now())
    assert data_version() == before
    client.get(url)
    assert computed["pair_context"] == 3


def test_messages_are_live_beside_the_cached_parts(computed, active_pair):
    mentorship, mentor, mentee = active_pair
    client = signed_in(mentor.user)
    url = mentorship.get_absolute_url()
    client.get(url)
    message_send(mentorship=mentorship, author=mentee, body="See you Thursday at the café")
    page = client.get(url).content.decode()
    assert "See you Thursday at the café" in page
    assert computed["pair_context"] == 1  # messages are outside the cached parts


def test_each_reader_has_their_own_parts(computed, active_pair):
    mentorship, mentor, mentee = active_pair
    Goal.objects.create(mentorship=mentorship, owner=mentee, title="Negotiate a raise")
    mentor_page = signed_in(mentor.user).get(mentorship.get_absolute_url()).content.decode()
    mentee_page = signed_in(mentee.user).get(mentorship.get_absolute_url()).content.decode()
    assert computed["pair_context"] == 2
    # Only the goal's owner may edit it: the mentor's cached part never reaches the mentee.
    edit = reverse("goals:goal_edit", args=[Goal.objects.get().pk])
    assert edit in mentee_page and edit not in mentor_page
    assert f"{mentee.name} and you" in mentor_page and f"{mentor.name} and you" in mentee_page


def test_a_form_in_a_cached_part_posts_with_the_readers_own_token(active_pair):
    mentorship, mentor, _mentee = active_pair
    client = signed_in(mentor.user, enforce_csrf_checks=True)
    url = mentorship.get_absolute_url()
    client.get(url)
    page = client.get(url).content.decode()  # from the cached parts
    assert CSRF_PLACEHOLDER not in page
    form = page.split(f'action="{reverse("conversations:message_send", args=[mentorship.pk])}"')[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = client.post(
        reverse("conversations:message_send", args=[mentorship.pk]),
        {"body": "Sent from a cached page", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert mentorship.messages.get().body == "Sent from a cached page"

    # Another session (a new sign-in: a new CSRF secret) is served the same part with its token.
    other = signed_in(mentor.user, enforce_csrf_checks=True)
    page = other.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = other.post(
        reverse("relationships:agreement_confirm", args=[mentorship.pk]),
        {"csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_undelivered_invitations_are_live_on_the_cohort_page(coordinator, draft_cohort):
    person = person_from_email("ivy@example.org")
    EnrolmentFactory(cohort=draft_cohort, person=person)  # imported, not invited yet
    enrolments_bulk_action(cohort=draft_cohort, action="invite", enrolment_ids=None)
    client = signed_in(coordinator)
    url = draft_cohort.get_absolute_url()
    assert "could not be delivered" not in client.get(url).content.decode()
    Dispatch.objects.filter(kind="program_invitation").update(status=Dispatch.Status.FAILED)
    assert "1 invitation could not be delivered" in client.get(url).content.decode()


def test_the_navigation_follows_a_new_enrolment_and_a_permission_given_to_a_group(
    program, make_person
):
    user = make_person(email="newcomer@example.org").user
    client = signed_in(user)
    dashboard = reverse("portal:dashboard")
    page = client.get(dashboard).content.decode()
    mentorships, programs = (
        reverse("relationships:mentorship_list"),
        reverse("programs:program_list"),
    )
    assert mentorships not in page and programs not in page

    EnrolmentFactory(cohort=CohortFactory(program=program, status="active"), person=user.person)
    assert mentorships in client.get(dashboard).content.decode()

    group = Group.objects.create(name="Program leads")
    user.groups.add(group)
    assert programs not in client.get(dashboard).content.decode()
    group.permissions.add(Permission.objects.get(codename="create_program"))
    assert programs in client.get(dashboard).content.decode()


def test_the_dashboard_moves_with_the_clock_within_a_step(computed, active_pair):
    _mentorship, mentor, _mentee = active_pair
    client = signed_in(mentor.user)
    url = reverse("portal:dashboard")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get(url)
        client.get(url)
    assert computed["dashboard_for"] == 1
    with time_machine.travel(start + dt.timedelta(seconds=CLOCK_STEP), tick=False):
        client.get(url)
    assert computed["dashboard_for"] == 2


def test_nothing_is_cached_for_a_post_or_in_a_transaction_that_wrote(rf, active_pair):
    from django.db import transaction

    mentorship, mentor, mentee = active_pair
    request = rf.post("/")
    request.user = mentor.user
    assert fragment_key(request, "pair-top") is None
    request = rf.get("/")
    request.user = mentor.user
    with transaction.atomic():
        Goal.objects.create(mentorship=mentorship, owner=mentee, title="Within")
        assert fragment_key(request, "pair-top") is None
    request = rf.get("/")
    request.user = mentor.user
    assert fragment_key(request, "pair-top") is not None


def test_a_signed_in_get_reads_the_data_version_before_the_view_reads_anything(rf, active_pair):
    from core.middleware import DataVersionMiddleware

    mentorship, mentor, mentee = active_pair
    seen = []

    def view(request):
        seen.append(getattr(request, "_data_version", "not read yet"))
        Goal.objects.create(mentorship=mentorship, owner=mentee, title="Written meanwhile")
        return None

    request = rf.get("/")
    request.user = mentor.user
    before = data_version()
    DataVersionMiddleware(view)(request)
    assert seen == [before]
    assert data_version() > before  # the part would be filed under the older version
