"""The mentor directory of a self-match program (matching.directory and its page)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching.directory import DirectoryFilters, mentor_directory
from matching.loading import settings_for
from matching.models import MentorRequest
from matching.services import mentor_request_respond
from profiles.photos import photo_from_upload
from profiles.services import profile_photo_set
from programs.services import cohort_create
from tests.factories import enrol_person, person_from_email
from tests.support.images import image_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def self_match(small_cohort):
    """`small_cohort` in a program that takes mentor requests, with a third mentor: Kim, in
    Tokyo, speaking Japanese, full already (capacity 1, one open request accepted)."""
    settings = settings_for(small_cohort["cohort"].program)
    settings.requests_allowed = True
    settings.max_requests = 2
    settings.save()
    kim = person_from_email("kim@example.org", seniority=9, department="Legal", languages=["ja"])
    kim.user.timezone = "Asia/Tokyo"
    kim.user.save()
    small_cohort["people"]["kim"] = kim
    small_cohort["enrolments"]["kim"] = enrol_person(
        small_cohort["cohort"], kim, "mentor", expertise=["law", "Python"], capacity=1
    )
    return small_cohort


def names(entries) -> list[str]:
    return [e.row["person__user__first_name"] for e in entries]


def test_the_directory_lists_every_mentor_the_mentee_may_ask_best_first(self_match):
    e = self_match["enrolments"]
    directory = mentor_directory(e["ann"])
    # Max manages Ann: never listed, and nothing says he was left out.
    assert names(directory.entries) == ["Zoe", "Kim"]
    assert [entry.cents for entry in directory.entries] == sorted(
        (entry.cents for entry in directory.entries), reverse=True
    )
    assert names(mentor_directory(e["bob"]).entries) == ["Zoe", "Max", "Kim"]
    cards = directory.cards(directory.entries)
    zoe = cards[0]
    assert zoe.enrolment == e["zoe"] and zoe.free_slots == 1 and not zoe.requested
    assert sum(r.points for r in zoe.why) == pytest.approx(zoe.score)
    why = {r.criterion: r.text for r in zoe.why}
    assert why["expertise"] == "Offers python, which you want (1 of your 2 topics)."
    assert why["language"] == "You both speak English."


def test_filters_narrow_the_list(self_match):
    e = self_match["enrolments"]
    directory = mentor_directory(e["bob"])

    def only(**filters) -> list[str]:
        return names(directory.filtered(DirectoryFilters(**filters)))

    assert only(text="zoe") == ["Zoe"]
    assert only(text="LAW") == ["Kim"]  # expertise, in any case
    assert only(expertise="sales") == ["Max"]
    assert only(language="ja") == ["Kim"]
    assert only(department="engineering") == ["Zoe"]
    assert only(seniority_min=7) == ["Max", "Kim"]
    assert only(seniority_min=6, seniority_max=7) == ["Zoe", "Max"]
    assert only(max_tz_gap=3) == ["Zoe", "Max"]  # Bob is in UTC, Kim 9 hours ahead
    assert only(max_tz_gap=9) == ["Zoe", "Max", "Kim"]
    assert [f.lower() for f in directory.facets.expertise] == ["law", "python", "sales"]
    assert ("ja", "Japanese") in directory.facets.languages


def test_a_full_mentor_is_listed_but_cannot_be_asked_and_free_only_hides_them(self_match, client):
    e = self_match["enrolments"]
    mentor_request = MentorRequest.objects.create(
        cohort=self_match["cohort"],
        mentee=e["cat"],
        mentor=e["kim"],
        expires_at="2099-01-01T00:00Z",
    )
    mentor_request_respond(request=mentor_request, accept=True)
    directory = mentor_directory(e["bob"])
    assert names(directory.entries) == ["Zoe", "Max", "Kim"]
    assert names(directory.filtered(DirectoryFilters(free_only=True))) == ["Zoe", "Max"]
    client.force_login(self_match["people"]["bob"].user)
    url = reverse("matching:directory", args=[e["bob"].pk])
    html = client.get(url).content.decode()
    assert "No free place right now." in html
    assert "Request Kim Test" not in html and "Request Zoe Test" in html
    assert "Request Kim Test" not in client.get(url, {"free": "on"}).content.decode()


def test_a_mentee_requests_from_the_card_and_returns_to_the_same_filters(self_match, client):
    e = self_match["enrolments"]
    client.force_login(self_match["people"]["bob"].user)
    url = reverse("matching:directory", args=[e["bob"].pk])
    html = client.get(url, {"expertise": "python"}).content.decode()
    assert "Offers python, which you want" in html
    response = client.post(
        reverse("matching:request_create", args=[e["bob"].pk]),
        {"mentor": e["zoe"].pk, "message": "Hi", "back": "directory", "query": "expertise=python"},
    )
    assert response.status_code == 302 and response["Location"] == f"{url}?expertise=python"
    request = MentorRequest.objects.get(mentee=e["bob"])
    assert request.mentor == e["zoe"] and request.is_pending
    html = client.get(url).content.decode()
    assert "You have asked this mentor." in html and "Pending" in html


def test_the_request_service_still_refuses_a_mentor_the_directory_hides(self_match, client):
    e = self_match["enrolments"]
    client.force_login(self_match["people"]["ann"].user)
    response = client.post(
        reverse("matching:request_create", args=[e["ann"].pk]),
        {"mentor": e["max"].pk, "back": "directory", "query": "https://evil.example/"},
        follow=True,
    )
    assert "cannot take a request from you" in response.content.decode()
    assert response.redirect_chain[-1][0].startswith(
        reverse("matching:directory", args=[e["ann"].pk])
    )
    assert not MentorRequest.objects.exists()


def test_only_a_listed_mentors_photo_is_shown_to_the_mentee(self_match, client):
    e, people = self_match["enrolments"], self_match["people"]
    for name in ("zoe", "max"):
        profile_photo_set(person=people[name], photo=photo_from_upload(upload(image_bytes())))
    client.force_login(people["ann"].user)

    def photo(name: str) -> int:
        url = reverse("matching:mentor_photo", args=[e["ann"].pk, e[name].pk])
        return client.get(url).status_code

    assert photo("zoe") == 200
    assert photo("max") == 404  # her manager: not listed for her
    html = client.get(reverse("matching:directory", args=[e["ann"].pk])).content.decode()
    assert reverse("matching:mentor_photo", args=[e["ann"].pk, e["zoe"].pk]) in html


def test_no_directory_where_the_coordinators_match(small_cohort, client):
    e = small_cohort["enrolments"]
    client.force_login(small_cohort["people"]["bob"].user)
    assert client.get(reverse("matching:directory", args=[e["bob"].pk])).status_code == 404


def grow_mentors(cohort, n: int) -> None:
    for i in range(n):
        person = person_from_email(
            f"mentor{i}.{cohort.slug}@example.org",
            seniority=3 + i % 6,
            department=["Sales", "Legal", "Finance"][i % 3],
            languages=[["en"], ["de", "en"], ["fr"]][i % 3],
        )
        enrol_person(cohort, person, "mentor", expertise=["python", f"topic{i % 4}"], capacity=2)


def directory_queries(client, url: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def test_the_directory_page_makes_the_same_queries_for_5_or_40_mentors(program, client):
    settings = settings_for(program)
    settings.requests_allowed = True
    settings.save()
    counts = []
    for n in (5, 40):
        cohort = cohort_create(program=program, name=f"Size {n}", slug=f"size-{n}")
        mentee = enrol_person(
            cohort, person_from_email(f"mentee{n}@example.org"), "mentee", interests=["python"]
        )
        grow_mentors(cohort, n)
        client.force_login(mentee.person.user)
        url = reverse("matching:directory", args=[mentee.pk])
        counts.append(
            (
                directory_queries(client, url, {}),
                directory_queries(client, url, {"expertise": "python", "page": "2"}),
            )
        )
        assert client.get(url).content.decode().count("Why?") == min(n, 10)
    assert counts[0] == counts[1]
