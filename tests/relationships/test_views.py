from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from goals.models import CheckIn
from goals.services import goal_create
from relationships.models import Mentorship
from sessions.models import SessionLog
from sessions.services import SessionAlreadyLogged, session_log
from tests.factories import EnrolmentFactory


@pytest.fixture
def mentor_client(client, mentor):
    client.force_login(mentor.user)
    return client


def log_data(**overrides) -> dict:
    when = timezone.localtime() - dt.timedelta(days=1)
    return {
        "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "50",
        "format": "video",
        "topics": "career, feedback",
        "shared_notes": "Agreed next steps",
        "private_note": "Just for me",
        "rating": "4",
        "feedback": "",
    } | overrides


def test_both_confirm_the_agreement_from_the_pair_page(client, proposed_mentorship, mentor, mentee):
    url = reverse("relationships:agreement_confirm", args=[proposed_mentorship.pk])
    for person in (mentor, mentee):
        client.force_login(person.user)
        assert client.post(url).status_code == 302
    proposed_mentorship.refresh_from_db()
    assert proposed_mentorship.status == Mentorship.Status.ACTIVE


def test_logging_a_session_without_javascript_redirects_to_the_pair(
    mentor_client, active_mentorship
):
    response = mentor_client.post(
        reverse("sessions:session_log", args=[active_mentorship.pk]), log_data()
    )
    assert response.status_code == 302
    assert response["Location"] == active_mentorship.get_absolute_url()
    session = SessionLog.objects.get()
    assert session.topics == ["career", "feedback"]
    assert session.ratings.get().rating == 4


def test_logging_a_session_with_htmx_returns_the_pair_body(mentor_client, active_mentorship):
    response = mentor_client.post(
        reverse("sessions:session_log", args=[active_mentorship.pk]),
        log_data(),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="pair-body"')
    assert "Session logged" in html
    assert "Agreed next steps" in html
    assert "<html" not in html


def test_an_invalid_session_shows_the_errors_in_place(mentor_client, active_mentorship):
    response = mentor_client.post(
        reverse("sessions:session_log", args=[active_mentorship.pk]),
        log_data(duration_minutes="0"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 1" in response.content.decode()
    assert not SessionLog.objects.exists()


def test_the_same_session_sent_twice_is_saved_once_with_a_clear_error(
    mentor_client, active_mentorship
):
    url = reverse("sessions:session_log", args=[active_mentorship.pk])
    data = log_data()
    assert mentor_client.post(url, data).status_code == 302
    response = mentor_client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    errors = response.context["session_form"].errors["occurred_at"]
    assert errors == [str(SessionAlreadyLogged())]
    assert "already logged for your pair" in response.content.decode()
    assert SessionLog.objects.count() == 1


def test_a_check_in_from_the_pair_page(client, active_mentorship, mentee):
    goal = goal_create(mentorship=active_mentorship, owner=mentee, title="Negotiate")
    client.force_login(mentee.user)
    response = client.post(
        reverse("goals:checkin_create", args=[active_mentorship.pk]),
        {"goal": goal.pk, "progress": "40", "note": "Halfway-ish"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Check-in saved" in response.content.decode()
    assert CheckIn.objects.get().progress == 40


def test_a_check_in_cannot_target_another_pairs_goal(
    client, active_mentorship, mentee, active_cohort, make_person
):
    from relationships.services import agreement_confirm, mentorship_create

    other_mentee = make_person("other-mentee@example.org")
    EnrolmentFactory(cohort=active_cohort, person=other_mentee, role="mentee", status="approved")
    active_cohort.enrolments.filter(person=active_mentorship.mentor).update(capacity=2)
    other = mentorship_create(
        cohort=active_cohort, mentor=active_mentorship.mentor, mentees=[other_mentee]
    )
    for person in (active_mentorship.mentor, other_mentee):
        agreement_confirm(mentorship=other, person=person)
    foreign = goal_create(mentorship=other, owner=other_mentee, title="Not yours")
    client.force_login(mentee.user)
    client.post(
        reverse("goals:checkin_create", args=[active_mentorship.pk]),
        {"goal": foreign.pk, "progress": "90"},
    )
    assert not CheckIn.objects.exists()


def test_the_mentee_confirms_and_rates_a_session_the_mentor_logged(
    client, active_mentorship, mentor, mentee
):
    session = session_log(
        mentorship=active_mentorship,
        person=mentor,
        occurred_at=timezone.now() - dt.timedelta(hours=2),
        duration_minutes=30,
        format="phone",
        private_note="Mentor only",
    )
    client.force_login(mentee.user)
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Confirm the session" in page
    assert "Mentor only" not in page
    # The rating starts empty (not 1 / 5) and must be chosen: none is given for anyone.
    select = re.search(r'<select name="rating"[^>]*>(.*?)</select>', page, re.S)
    assert 'value=""' in re.search(r"<option[^>]*>", select.group(1)).group(0)
    assert "required" in select.group(0)
    rate = reverse("sessions:session_rate", args=[session.pk])
    assert client.post(rate, {}).status_code == 200
    assert not session.ratings.exists()
    client.post(reverse("sessions:session_confirm", args=[session.pk]))
    client.post(rate, {"rating": "5"})
    session.refresh_from_db()
    assert session.confirmed_by == mentee
    assert session.ratings.get(person=mentee).rating == 5


def test_coordinator_closes_a_pair_with_a_reason(client, active_mentorship, coordinator):
    client.force_login(coordinator)
    url = reverse("relationships:mentorship_transition", args=[active_mentorship.pk])
    client.post(url, {"action": "close"})
    active_mentorship.refresh_from_db()
    assert active_mentorship.status == Mentorship.Status.ACTIVE  # no reason, no closing
    response = client.post(url, {"action": "close", "reason": "no_time", "comment": ""})
    assert response["Location"] == reverse(
        "relationships:mentorship_manage", args=[active_mentorship.pk]
    )
    active_mentorship.refresh_from_db()
    assert (active_mentorship.status, active_mentorship.close_reason) == ("closed", "no_time")
    assert active_mentorship.events.last().actor == coordinator


def test_coordinator_sets_up_a_pair_from_approved_enrolments(
    client, active_cohort, coordinator, mentor, mentee, make_user
):
    client.force_login(coordinator)
    url = reverse("relationships:mentorship_new", args=[active_cohort.slug])
    response = client.post(url, {"mentor": mentor.pk, "mentees": [mentee.pk]})
    assert response.status_code == 302
    mentorship = Mentorship.objects.get()
    assert mentorship.source == Mentorship.Source.MANUAL
    assert list(mentorship.mentees.all()) == [mentee]
    # Someone not approved in the cohort cannot be picked.
    stranger = make_user(email="stranger@example.org")
    from profiles.models import Person

    response = client.post(
        url, {"mentor": Person.objects.create(user=stranger).pk, "mentees": [mentee.pk]}
    )
    assert response.status_code == 200
    assert Mentorship.objects.count() == 1


def test_both_sides_answer_the_closing_survey(client, active_mentorship, mentor, mentee, program):
    from relationships.models import ClosingQuestion
    from relationships.services import mentorship_complete

    question = ClosingQuestion.objects.create(program=program, text="Did it help?")
    mentorship_complete(mentorship=active_mentorship, actor=None)
    url = reverse("relationships:closing_survey", args=[active_mentorship.pk])
    for person, score in ((mentor, 9), (mentee, 10)):
        client.force_login(person.user)
        response = client.post(url, {"recommend_score": score, f"q{question.pk}": "4"})
        assert response.status_code == 302
    surveys = {s.role: s for s in active_mentorship.closing_surveys.all()}
    assert surveys["mentor"].recommend_score == 9
    assert surveys["mentee"].answers == {str(question.pk): 4}
    assert "You have answered" in client.get(url).content.decode()


def test_the_recommendation_is_a_labelled_0_to_10_scale_with_nothing_chosen(
    client, active_mentorship, mentee
):
    from relationships.services import mentorship_complete

    mentorship_complete(mentorship=active_mentorship, actor=None)
    client.force_login(mentee.user)
    page = client.get(
        reverse("relationships:closing_survey", args=[active_mentorship.pk])
    ).content.decode()
    fieldset = re.search(r'<fieldset class="scale"[^>]*>(.*?)</fieldset>', page, re.S)
    assert fieldset, "the score is one fieldset"
    legend = re.search(r"<legend[^>]*>(.*?)</legend>", fieldset.group(1), re.S).group(1)
    assert "How likely are you to recommend this program" in legend
    radios = re.findall(r'<input type="radio"[^>]*name="recommend_score"[^>]*>', fieldset.group(1))
    labels = re.findall(r'<label class="btn[^"]*"\s+for="[^"]+">(\d+)</label>', fieldset.group(1))
    assert len(radios) == 11
    assert labels == [str(n) for n in range(11)]
    assert not any("checked" in radio for radio in radios)
    ends = re.search(r'aria-describedby="([^"]+)"', fieldset.group(0)).group(1)
    described = re.search(rf'id="{ends}">(.*?)</p>', page, re.S).group(1)
    assert "0 = not at all likely" in described
    assert "10 = extremely likely" in described


def test_the_how_did_it_go_link_fills_in_the_meeting(mentor_client, active_mentorship):
    url = reverse("relationships:mentorship_detail", args=[active_mentorship.pk])
    response = mentor_client.get(
        url, {"occurred_at": "2026-11-20T15:30", "duration_minutes": "30", "format": "phone"}
    )
    form = response.context["session_form"]
    assert form["occurred_at"].value() == "2026-11-20T15:30"
    assert form["duration_minutes"].value() == "30"
    assert form["format"].value() == "phone"
    # An ordinary visit keeps the usual defaults.
    plain = mentor_client.get(url, {"form": "session"}).context["session_form"]
    assert plain["duration_minutes"].value() == 45


def test_the_pair_pages_forms_open_when_asked_for(mentor_client, active_mentorship):
    goal_create(mentorship=active_mentorship, owner=active_mentorship.mentees.get(), title="Talk")
    url = reverse("relationships:mentorship_detail", args=[active_mentorship.pk])
    page = mentor_client.get(url)
    html = page.content.decode()
    for name in ("session", "checkin", "close"):
        assert page.context[f"{name}_form"] is None
        # Without JavaScript the link reloads the page with the form; htmx fetches it alone.
        assert f'href="{url}?form={name}#' in html
        assert f'hx-get="{url}?form={name}"' in html
        assert mentor_client.get(url, {"form": name}).context[f"{name}_form"] is not None
        alone = mentor_client.get(url, {"form": name}, headers={"HX-Request": "true"})
        assert alone.context["form"] is not None
        assert "<h1" not in alone.content.decode()
    assert 'name="duration_minutes"' not in html
    assert 'name="duration_minutes"' in mentor_client.get(url, {"form": "session"}).content.decode()


def test_a_pair_set_up_by_hand_obeys_the_hard_rules(
    client, active_cohort, coordinator, mentor, mentee, make_person
):
    client.force_login(coordinator)
    url = reverse("relationships:mentorship_new", args=[active_cohort.slug])
    # The mentee reports to someone who reports to the mentor: two levels down the chain.
    report = make_person("report@example.org")
    report.manager = mentor
    report.save()
    mentee.manager = report
    mentee.save()
    response = client.post(url, {"mentor": mentor.pk, "mentees": [mentee.pk]})
    assert response.status_code == 200
    assert "cannot be paired" in response.content.decode()
    assert "reporting" in response.content.decode()
    assert not Mentorship.objects.exists()

    # Outside the chain it works, once: the mentee then has a mentor.
    mentee.manager = None
    mentee.save()
    assert client.post(url, {"mentor": mentor.pk, "mentees": [mentee.pk]}).status_code == 302
    other = make_person("other-mentor@example.org")
    EnrolmentFactory(cohort=active_cohort, person=other, role="mentor", status="approved")
    response = client.post(url, {"mentor": other.pk, "mentees": [mentee.pk]})
    assert "already has a mentor in this cohort" in response.content.decode()
    assert Mentorship.objects.count() == 1


def test_the_pair_page_forms_post_without_javascript_and_swap_the_body_with_htmx(
    mentor_client, active_mentorship
):
    goal_create(
        mentorship=active_mentorship, owner=active_mentorship.mentees.get(), title="Speak up"
    )
    for name, shown in (("sessions:session_log", "session"), ("goals:checkin_create", "checkin")):
        page = mentor_client.get(active_mentorship.get_absolute_url(), {"form": shown})
        forms = re.findall(r"<form[^>]*>", page.content.decode())
        url = reverse(name, args=[active_mentorship.pk])
        (form,) = [form for form in forms if f'action="{url}"' in form]
        assert 'method="post"' in form
        assert f'hx-post="{url}"' in form
        assert 'hx-target="#pair-body"' in form
        assert 'hx-swap="outerHTML"' in form
