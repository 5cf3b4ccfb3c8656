"""The short survey after a flash event: once per person, editable, only after the event."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from flash.models import SurveyResponse
from tests.flash.people_builders import START, four_people, person_in_zone

pytestmark = pytest.mark.django_db


@pytest.fixture
def flash():
    return four_people()


def url(world) -> str:
    return reverse("flash:survey", args=[world.cohort.slug])


def test_a_participant_answers_once_and_can_change_their_answers(client, flash):
    with time_machine.travel(START + dt.timedelta(days=1), tick=False):
        client.force_login(flash.people["ana"].user)
        answer = {"usefulness": "4", "met_fit": "on"}
        assert client.post(url(flash), answer).status_code == 302
        assert client.post(url(flash), {"usefulness": "2", "would_return": "on"}).status_code == 302
        response = client.get(url(flash))
    [saved] = SurveyResponse.objects.all()
    assert (saved.person, saved.usefulness, saved.met_fit, saved.would_return) == (
        flash.people["ana"],
        2,
        False,
        True,
    )
    assert response.context["form"].instance == saved


def test_the_survey_opens_after_the_last_round(client, flash):
    with time_machine.travel(START + dt.timedelta(minutes=5), tick=False):
        client.force_login(flash.people["ana"].user)
        response = client.post(url(flash), {"usefulness": "4"})
    assert response.status_code == 200
    assert "opens once the last round is over" in response.content.decode()
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize("usefulness", ["0", "6", "", "x"])
def test_a_rating_outside_one_to_five_is_a_field_error(client, flash, usefulness):
    with time_machine.travel(START + dt.timedelta(days=1), tick=False):
        client.force_login(flash.people["ana"].user)
        response = client.post(url(flash), {"usefulness": usefulness})
    assert response.status_code == 200
    assert response.context["form"].errors["usefulness"]
    assert not SurveyResponse.objects.exists()


def test_someone_not_at_the_event_has_no_survey(client, flash):
    with time_machine.travel(START + dt.timedelta(days=1), tick=False):
        client.force_login(person_in_zone("out@example.org").user)
        assert client.get(url(flash)).status_code == 404
        assert client.post(url(flash), {"usefulness": "5"}).status_code == 404
