"""A flash event on its participants' dashboards: the rounds before, the choice and the survey
after."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from flash import follow_on
from tests.flash.people_builders import START, four_people, person_in_zone, publish
from tests.portal.test_dashboard import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def flash():
    return four_people(published=False)


def links(client, who) -> set[str]:
    client.force_login(who.user)
    return set(actions(client).values())


def test_the_schedule_is_on_the_dashboard_once_the_plan_is_published(client, flash):
    schedule = reverse("flash:my_schedule", args=[flash.cohort.slug])
    with time_machine.travel(START - dt.timedelta(days=1), tick=False):
        assert schedule not in links(client, flash.people["ana"])
        publish(flash)
        assert schedule in links(client, flash.people["ana"])
        assert schedule not in links(client, person_in_zone("out@example.org"))


def test_after_the_event_the_dashboard_asks_for_choices_and_the_survey_until_given(client, flash):
    publish(flash)
    slug = flash.cohort.slug
    choose, survey = reverse("flash:choose", args=[slug]), reverse("flash:survey", args=[slug])
    with time_machine.travel(START + dt.timedelta(days=1), tick=False):
        ana = flash.people["ana"]
        assert {choose, survey} <= links(client, ana)
        follow_on.choices_set(event=flash.event, person=ana, chosen=[flash.people["mia"]])
        follow_on.survey_answer(
            event=flash.event, person=ana, usefulness=5, met_fit=True, would_return=True
        )
        assert not {choose, survey} & links(client, ana)
        assert {choose, survey} <= links(client, flash.people["mia"])
    with time_machine.travel(START + dt.timedelta(days=60), tick=False):
        assert not {choose, survey} & links(client, flash.people["mia"])
