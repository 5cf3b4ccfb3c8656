"""Messages inside a pair: written and read by the pair, counted for coordinators, and one
message shared with the coordinators when a member reports it."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conversations.models import Message, MessageReport
from conversations.selectors import unread_counts, unread_total
from conversations.services import message_send
from relationships.models import Mentorship
from tests.factories import PersonFactory, ProgramFactory, UserFactory, paired

pytestmark = pytest.mark.django_db

SECRET = "sentinel-message-text-8e21"


def send_url(pair: Mentorship) -> str:
    return reverse("conversations:message_send", args=[pair.pk])


def thread_url(pair: Mentorship) -> str:
    return reverse("conversations:thread", args=[pair.pk])


def test_a_member_sends_a_message_and_the_partner_has_one_unread(
    client, active_mentorship, mentor, mentee
):
    client.force_login(mentor.user)
    response = client.post(send_url(active_mentorship), {"body": f"  Hi {SECRET}  "})
    assert response.status_code == 302
    assert Message.objects.get().body == f"Hi {SECRET}"
    assert unread_total(mentee.user) == 1
    assert unread_total(mentor.user) == 0  # your own message is read
    assert unread_counts(mentee.user) == {active_mentorship.pk: 1}


def test_sending_with_htmx_returns_the_thread_in_place(client, active_mentorship, mentor):
    client.force_login(mentor.user)
    response = client.post(
        send_url(active_mentorship), {"body": SECRET}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="thread"')
    assert SECRET in html
    assert "<textarea" in html and SECRET not in html.split("<textarea")[1]  # a fresh form


def test_an_empty_message_gets_a_field_error(client, active_mentorship, mentor):
    client.force_login(mentor.user)
    response = client.post(
        send_url(active_mentorship), {"body": "   "}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Message.objects.exists()


def test_reading_the_pair_page_marks_the_thread_read(client, active_mentorship, mentor, mentee):
    message_send(mentorship=active_mentorship, author=mentor, body=SECRET)
    client.force_login(mentee.user)
    badge = client.get(reverse("conversations:unread_badge")).content.decode()
    assert 'data-unread="1"' in badge
    page = client.get(active_mentorship.get_absolute_url()).content.decode()
    assert SECRET in page
    assert unread_total(mentee.user) == 0
    badge = client.get(reverse("conversations:unread_badge")).content.decode()
    assert "data-unread" not in badge


def test_an_ended_pair_keeps_its_messages_but_takes_no_new_ones(client, active_mentorship, mentor):
    message_send(mentorship=active_mentorship, author=mentor, body=SECRET)
    Mentorship.objects.filter(pk=active_mentorship.pk).update(status=Mentorship.Status.COMPLETED)
    client.force_login(mentor.user)
    client.post(send_url(active_mentorship), {"body": "one more"})
    assert Message.objects.count() == 1
    page = client.get(thread_url(active_mentorship)).content.decode()
    assert SECRET in page and "<textarea" not in page


def test_a_group_has_one_thread_for_all_its_members(client, active_cohort, make_person):
    mentor = make_person("group-mentor@example.org")
    mentees = [make_person(f"group-mentee{i}@example.org") for i in range(2)]
    group = paired(cohort=active_cohort, mentor=mentor, mentees=mentees)
    message_send(mentorship=group, author=mentees[0], body=SECRET)
    assert unread_total(mentor.user) == unread_total(mentees[1].user) == 1
    for person in (mentor, mentees[1]):
        client.force_login(person.user)
        assert SECRET in client.get(thread_url(group)).content.decode()


def test_others_get_404_for_the_thread_and_cannot_write_in_it(
    client, active_mentorship, mentor, make_user
):
    message_send(mentorship=active_mentorship, author=mentor, body=SECRET)
    outsider = PersonFactory(user=UserFactory(email="outsider@example.org"))
    client.force_login(outsider.user)
    assert client.get(thread_url(active_mentorship)).status_code == 404
    assert client.post(send_url(active_mentorship), {"body": "hi"}).status_code == 404
    message = Message.objects.get()
    report = reverse("conversations:message_report", args=[message.pk])
    assert client.get(report).status_code == 404
    assert client.post(report, {}).status_code == 404
    assert Message.objects.count() == 1 and not MessageReport.objects.exists()


def test_the_coordinator_sees_how_many_and_when_never_what(
    client, active_mentorship, program, mentor
):
    message_send(mentorship=active_mentorship, author=mentor, body=SECRET)
    coordinator = UserFactory(email="coord@example.org")
    program.coordinators.add(coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("relationships:mentorship_manage", args=[active_mentorship.pk]))
    html = page.content.decode()
    assert "Messages exchanged" in html and SECRET not in html
    assert client.get(thread_url(active_mentorship)).status_code == 404


def test_reporting_shares_that_one_message_with_the_programs_coordinators(
    client, active_mentorship, program, mentor, mentee, active_cohort
):
    reported = message_send(mentorship=active_mentorship, author=mentor, body=f"Reported {SECRET}")
    message_send(mentorship=active_mentorship, author=mentor, body="sentinel-not-reported-5b0c")
    url = reverse("conversations:message_report", args=[reported.pk])
    client.force_login(mentee.user)
    page = client.get(url).content.decode()
    # The page says what reporting does before anything is shared.
    assert "this one message" in page and str(program) in page
    response = client.post(url, {"reason": "Feels off"}, follow=True)
    assert "You shared this one message" in response.content.decode()
    assert MessageReport.objects.get().message == reported
    thread = client.get(thread_url(active_mentorship)).content.decode()
    assert "Shared with the coordinators" in thread

    coordinator = UserFactory(email="coord@example.org")
    program.coordinators.add(coordinator)
    other = UserFactory(email="other-coord@example.org")
    ProgramFactory(slug="other-program").coordinators.add(other)
    client.force_login(coordinator)
    html = client.get(reverse("conversations:reported_messages")).content.decode()
    assert f"Reported {SECRET}" in html and "Feels off" in html
    assert "sentinel-not-reported-5b0c" not in html
    client.force_login(other)
    html = client.get(reverse("conversations:reported_messages")).content.decode()
    assert SECRET not in html


def test_nobody_reports_their_own_message(client, active_mentorship, mentor):
    message = message_send(mentorship=active_mentorship, author=mentor, body=SECRET)
    client.force_login(mentor.user)
    client.post(reverse("conversations:message_report", args=[message.pk]), {})
    assert not MessageReport.objects.exists()


def add_messages(pair, mentor, mentee, count: int) -> None:
    Message.objects.bulk_create(
        [
            Message(mentorship=pair, author=(mentor, mentee)[i % 2], body=f"m{i}")
            for i in range(count)
        ]
    )


def test_the_pair_page_costs_the_same_queries_however_long_the_thread(
    client, active_mentorship, mentor, mentee
):
    def page_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(active_mentorship.get_absolute_url()).status_code == 200
        return len(queries)

    client.force_login(mentee.user)
    add_messages(active_mentorship, mentor, mentee, 3)
    page_queries()  # the first visit creates the read mark
    add_messages(active_mentorship, mentor, mentee, 2)
    small = page_queries()
    add_messages(active_mentorship, mentor, mentee, 200)
    large = page_queries()
    assert large == small


def test_the_thread_page_and_the_badge_cost_the_same_queries_however_many_messages(
    client, active_mentorship, mentor, mentee
):
    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.force_login(mentee.user)
    urls = [thread_url(active_mentorship), reverse("conversations:unread_badge")]
    add_messages(active_mentorship, mentor, mentee, 3)
    queries(urls[0])
    add_messages(active_mentorship, mentor, mentee, 2)
    small = [queries(url) for url in urls]
    add_messages(active_mentorship, mentor, mentee, 200)
    assert [queries(url) for url in urls] == small


def test_a_long_thread_shows_the_newest_and_pages_back(client, active_mentorship, mentor, mentee):
    add_messages(active_mentorship, mentor, mentee, 40)
    client.force_login(mentee.user)
    newest = client.get(thread_url(active_mentorship)).content.decode()
    assert ">m39<" in newest and ">m9<" not in newest and "?part=messages" in newest
    older = re.search(r'href="([^"]+\?before=\d+)"', newest).group(1)
    page = client.get(older.replace("&amp;", "&")).content.decode()
    assert ">m9<" in page and ">m39<" not in page
    assert "Newest messages" in page
    assert "?part=messages" not in page  # an older page does not poll back to the newest


def test_the_programs_coordinators_are_emailed_about_a_report_without_its_text(
    client, active_mentorship, program, mentor, mentee, django_capture_on_commit_callbacks
):
    coordinator = UserFactory(email="coord@example.org")
    program.coordinators.add(coordinator)
    message = message_send(mentorship=active_mentorship, author=mentor, body=SECRET)
    client.force_login(mentee.user)
    url = reverse("conversations:message_report", args=[message.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "Please look"})
        client.post(url, {"reason": "Again"})  # reported once, told once
    [email] = [m for m in mail.outbox if m.to == [coordinator.email]]
    assert str(program) in email.subject
    assert SECRET not in email.body and "/reported-messages/" in email.body
    assert [m for m in mail.outbox if m.to == [mentor.email]] == []
