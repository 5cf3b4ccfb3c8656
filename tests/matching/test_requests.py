from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from matching import selectors, services
from matching.loading import MatchingError, settings_for
from matching.models import MentorRequest
from relationships.models import Mentorship
from relationships.pairing import PairingRefused
from tests.factories import enrol_person, person_from_email


@pytest.fixture
def requests_on(small_cohort):
    settings = settings_for(small_cohort["cohort"].program)
    settings.requests_allowed = True
    settings.max_requests = 1
    settings.request_expiry_days = 7
    settings.save()
    return small_cohort


def ask(world, mentee: str, mentor: str, message: str = "Hello") -> MentorRequest:
    e = world["enrolments"]
    return services.mentor_request_create(
        mentee=e[mentee], mentor_enrolment_id=e[mentor].pk, message=message
    )


@pytest.mark.django_db
def test_requests_are_off_unless_the_program_allows_them(small_cohort):
    with pytest.raises(MatchingError, match="does not take"):
        ask(small_cohort, "bob", "zoe")


@pytest.mark.django_db
def test_suggestions_are_ranked_explained_and_never_the_manager(requests_on):
    suggestions = selectors.suggested_mentors(requests_on["enrolments"]["ann"])
    assert [s.mentor.email for s in suggestions] == ["zoe@example.org"]
    assert suggestions[0].why and suggestions[0].score > 0
    bob = selectors.suggested_mentors(requests_on["enrolments"]["bob"])
    assert [s.score for s in bob] == sorted((s.score for s in bob), reverse=True)


@pytest.mark.django_db
def test_a_mentee_asks_at_most_n_mentors_at_once(requests_on, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask(requests_on, "bob", "zoe")
    assert mail.outbox[-1].to == ["zoe@example.org"]
    with pytest.raises(MatchingError, match="at most 1"):
        ask(requests_on, "bob", "max")


@pytest.mark.django_db
def test_a_mentee_cannot_ask_their_manager(requests_on):
    with pytest.raises(MatchingError, match="cannot take"):
        ask(requests_on, "ann", "max")


@pytest.mark.django_db
def test_accept_creates_a_mentorship_and_withdraws_other_requests(
    requests_on, django_capture_on_commit_callbacks
):
    settings = settings_for(requests_on["cohort"].program)
    settings.max_requests = 2
    settings.save()
    request = ask(requests_on, "bob", "zoe")
    other = ask(requests_on, "bob", "max")
    with django_capture_on_commit_callbacks(execute=True):
        services.mentor_request_respond(request=request, accept=True)
    request.refresh_from_db()
    other.refresh_from_db()
    assert request.status == "accepted" and request.mentorship.source == Mentorship.Source.REQUEST
    assert other.status == "withdrawn"
    assert mail.outbox[-1].to == ["bob@example.org"]
    # Zoe's only slot is taken: the next run neither places Bob again nor gives Zoe another.
    run = services.match_run_create(cohort=requests_on["cohort"])
    emails = set(run.proposals.values_list("mentee__person__user__email", flat=True))
    assert "bob@example.org" not in emails
    assert not run.proposals.filter(mentor=requests_on["enrolments"]["zoe"]).exists()


@pytest.mark.django_db
def test_decline_leaves_the_slot_free(requests_on):
    request = ask(requests_on, "bob", "zoe")
    services.mentor_request_respond(request=request, accept=False)
    request.refresh_from_db()
    assert request.status == "declined" and request.mentorship is None


@pytest.mark.django_db
def test_a_full_mentor_cannot_accept(requests_on):
    first = ask(requests_on, "bob", "zoe")
    second = ask(requests_on, "cat", "zoe")
    services.mentor_request_respond(request=first, accept=True)
    with pytest.raises(PairingRefused, match="no free"):
        services.mentor_request_respond(request=second, accept=True)


@pytest.mark.django_db
def test_pending_requests_expire_and_coordinators_see_them(requests_on, client, coordinator):
    request = ask(requests_on, "bob", "zoe")
    assert not request.is_overdue
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert MentorRequest.objects.get(pk=request.pk).is_overdue
        assert list(selectors.overdue_requests(requests_on["cohort"])) == [request]
        client.force_login(coordinator)
        html = client.get(reverse("matching:cohort", args=["leaders-2027"])).content.decode()
        assert "unanswered past the deadline" in html
        with pytest.raises(MatchingError, match="expired"):
            services.mentor_request_respond(request=request, accept=True)
        assert services.mentor_requests_expire() == 1
    request.refresh_from_db()
    assert request.status == "expired"


@pytest.mark.django_db
def test_participant_pages(requests_on, client):
    bob = requests_on["people"]["bob"].user
    client.force_login(bob)
    enrolment = requests_on["enrolments"]["bob"]
    html = client.get(reverse("matching:requests")).content.decode()
    assert reverse("matching:find_mentor", args=[enrolment.pk]) in html
    html = client.get(reverse("matching:find_mentor", args=[enrolment.pk])).content.decode()
    assert "Request Zoe" in html
    response = client.post(
        reverse("matching:request_create", args=[enrolment.pk]),
        {"mentor": requests_on["enrolments"]["zoe"].pk, "message": "Please"},
        follow=True,
    )
    assert "Request sent" in response.content.decode()
    zoe = requests_on["people"]["zoe"].user
    client.force_login(zoe)
    request = MentorRequest.objects.get()
    html = client.get(reverse("matching:requests")).content.decode()
    assert "Please" in html
    client.post(reverse("matching:request_respond", args=[request.pk]), {"answer": "accept"})
    request.refresh_from_db()
    assert request.status == "accepted"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_accepts_never_give_the_last_slot_twice(matching_cohort):
    settings = settings_for(matching_cohort.program)
    settings.requests_allowed = True
    settings.save()
    mentor = enrol_person(
        matching_cohort, person_from_email("mentor@example.org", seniority=7), "mentor", capacity=1
    )
    requests = [
        services.mentor_request_create(
            mentee=enrol_person(matching_cohort, person_from_email(f"m{i}@example.org"), "mentee"),
            mentor_enrolment_id=mentor.pk,
        )
        for i in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(request: MentorRequest) -> None:
        try:
            barrier.wait(timeout=10)
            services.mentor_request_respond(request=request, accept=True)
            outcomes.append("ok")
        except DomainError:  # the rule refuses the pair: no slot left
            outcomes.append("full")
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=accept, args=(r,)) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["full", "ok"]
    assert Mentorship.objects.filter(cohort=matching_cohort, mentor=mentor.person).count() == 1
