"""After a flash event: private choices, mutual ones proposed in the follow-on cohort, and the
coordinator publishing them as mentorships through the matching pages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from flash import follow_on
from flash.models import Attendance, Choice
from matching.models import MatchRun, Proposal
from matching.services.runs import match_run_publish
from programs.models import Enrolment
from relationships.models import Mentorship
from tests.flash.people_builders import START, four_people, person_in_zone

pytestmark = pytest.mark.django_db

AFTER = START + dt.timedelta(days=1)


@pytest.fixture
def after():
    with time_machine.travel(AFTER, tick=False):
        yield


@pytest.fixture
def flash_coordinator(make_user):
    return make_user(email="coordinator@example.org")


@pytest.fixture
def flash(flash_coordinator):
    return four_people(coordinators=[flash_coordinator])


def choose(world, chooser: str, *chosen: str) -> None:
    people = world.people
    follow_on.choices_set(
        event=world.event, person=people[chooser], chosen=[people[c] for c in chosen]
    )


def test_only_mutual_choices_become_proposals(flash, after, flash_coordinator):
    choose(flash, "ana", "mia", "max")
    choose(flash, "mia", "ana")
    choose(flash, "ben", "mia")  # Mia did not choose Ben
    choose(flash, "max", "ben")  # Ben did not choose Max
    result = follow_on.follow_on_propose(event=flash.event, user=flash_coordinator)
    proposals = list(result.run.proposals.all())
    assert [(p.mentee.person, p.mentor.person) for p in proposals] == [
        (flash.people["ana"], flash.people["mia"])
    ]
    assert proposals[0].source == Proposal.Source.FLASH
    assert proposals[0].locked
    assert result.run.cohort == flash.follow_on
    assert result.skipped == []


def test_both_people_are_enrolled_in_the_follow_on_cohort(flash, after):
    choose(flash, "ana", "mia")
    choose(flash, "mia", "ana")
    follow_on.follow_on_propose(event=flash.event)
    roles = dict(
        Enrolment.objects.filter(cohort=flash.follow_on, status="approved").values_list(
            "person__user__email", "role"
        )
    )
    assert roles == {"ana@example.org": "mentee", "mia@example.org": "mentor"}


def test_proposing_again_adds_nothing_twice(flash, after):
    choose(flash, "ana", "mia")
    choose(flash, "mia", "ana")
    first = follow_on.follow_on_propose(event=flash.event)
    again = follow_on.follow_on_propose(event=flash.event)
    assert len(first.proposed) == 1
    assert again.run is None and again.proposed == []
    assert Proposal.objects.filter(source=Proposal.Source.FLASH).count() == 1
    assert MatchRun.objects.filter(cohort=flash.follow_on).count() == 1


def test_publishing_the_follow_on_pair_creates_a_mentorship_in_the_follow_on_cohort(
    flash, after, flash_coordinator
):
    choose(flash, "ana", "mia")
    choose(flash, "mia", "ana")
    result = follow_on.follow_on_propose(event=flash.event, user=flash_coordinator)
    [mentorship] = match_run_publish(run=result.run, user=flash_coordinator)
    assert mentorship.cohort == flash.follow_on
    assert mentorship.mentor == flash.people["mia"]
    assert list(mentorship.mentees.all()) == [flash.people["ana"]]
    assert list(follow_on.follow_on_mentorships()) == [mentorship]
    assert Mentorship.objects.filter(cohort=flash.event.cohort).count() == 0


def test_the_pairing_rules_still_apply_to_a_mutual_pair(flash, after):
    ana, mia = flash.people["ana"], flash.people["mia"]
    ana.manager = mia
    ana.save()
    choose(flash, "ana", "mia")
    choose(flash, "mia", "ana")
    result = follow_on.follow_on_propose(event=flash.event)
    assert result.run is None
    assert len(result.skipped) == 1 and "reporting line" in result.skipped[0]
    assert not Proposal.objects.exists()
    # A pair left out enrols neither person.
    assert not Enrolment.objects.filter(cohort=flash.follow_on).exists()


def test_someone_in_the_follow_on_cohort_in_the_other_role_is_left_out(flash, after):
    Enrolment.objects.create(
        cohort=flash.follow_on, person=flash.people["mia"], role="mentee", status="approved"
    )
    choose(flash, "ana", "mia")
    choose(flash, "mia", "ana")
    result = follow_on.follow_on_propose(event=flash.event)
    assert result.run is None
    assert "as mentee" in result.skipped[0]
    assert not Enrolment.objects.filter(cohort=flash.follow_on, person=flash.people["ana"])


def test_a_mentee_chosen_by_two_mentors_is_proposed_once(flash, after):
    choose(flash, "ana", "mia", "max")
    choose(flash, "mia", "ana")
    choose(flash, "max", "ana")
    result = follow_on.follow_on_propose(event=flash.event)
    assert len(result.proposed) == 1
    assert len(result.skipped) == 1


def test_a_no_show_met_nobody_in_the_rounds_they_missed(flash, after):
    Attendance.objects.create(event=flash.event, person=flash.people["ana"], arrives_round=2)
    assert [p.pk for p in follow_on.people_met(flash.event, flash.people["ana"])] == [
        flash.people["max"].pk
    ]
    with pytest.raises(follow_on.FollowOnError):
        choose(flash, "ana", "mia")


def test_nobody_chooses_someone_they_did_not_meet(flash, after):
    outsider = person_in_zone("out@example.org")
    with pytest.raises(follow_on.FollowOnError):
        follow_on.choices_set(event=flash.event, person=flash.people["ana"], chosen=[outsider])
    assert not Choice.objects.exists()


def test_choices_wait_for_the_end_of_the_event(flash):
    with time_machine.travel(START + dt.timedelta(minutes=20), tick=False):
        with pytest.raises(follow_on.FollowOnError):
            choose(flash, "ana", "mia")
        with pytest.raises(follow_on.FollowOnError):
            follow_on.follow_on_propose(event=flash.event)


def test_an_event_without_a_follow_on_cohort_proposes_nothing(flash, after):
    flash.event.follow_on_cohort = None
    flash.event.save()
    choose(flash, "ana", "mia")
    choose(flash, "mia", "ana")
    with pytest.raises(follow_on.FollowOnError):
        follow_on.follow_on_propose(event=flash.event)


# --- Pages -----------------------------------------------------------------------------------


def page(client, who, name, world, **data):
    client.force_login(who.user)
    url = reverse(name, args=[world.cohort.slug])
    return client.post(url, data) if data else client.get(url)


def test_a_participant_chooses_on_their_page(client, flash, after):
    ana, mia = flash.people["ana"], flash.people["mia"]
    response = page(client, ana, "flash:choose", flash, chosen=[str(mia.pk)])
    assert response.status_code == 302
    assert follow_on.chosen_by(flash.event, ana) == {mia.pk}
    # The form offers only the people Ana met.
    form = page(client, ana, "flash:choose", flash).context["form"]
    assert set(form.fields["chosen"].queryset) == {mia, flash.people["max"]}
    assert form.initial["chosen"] == [mia.pk]


def test_choices_are_private_until_mutual(client, flash, after):
    ana, mia = flash.people["ana"], flash.people["mia"]
    choose(flash, "ana", "mia")
    # Mia met Ana and sees her as someone to choose, but not that Ana chose her.
    response = page(client, mia, "flash:choose", flash)
    assert response.context["mutual"] == []
    assert "You chose each other" not in response.content.decode()
    choose(flash, "mia", "ana")
    response = page(client, mia, "flash:choose", flash)
    assert response.context["mutual"] == [ana]
    assert "You chose each other" in response.content.decode()
    # Ben, who chose Mia, never learns anything of Ana's or Mia's choices.
    choose(flash, "ben", "mia")
    response = page(client, flash.people["ben"], "flash:choose", flash)
    assert response.context["mutual"] == []


def test_the_coordinator_sees_counts_and_no_names_before_proposing(
    client, flash, after, flash_coordinator
):
    choose(flash, "ana", "mia", "max")
    choose(flash, "mia", "ana")
    choose(flash, "ben", "mia")
    client.force_login(flash_coordinator)
    response = client.get(reverse("flash:follow_on", args=[flash.cohort.slug]))
    figures = response.context["figures"]
    assert (figures.choosers, figures.choices, figures.mutual, figures.proposed) == (3, 4, 1, 0)
    html = response.content.decode()
    for someone in flash.people.values():
        assert someone.name not in html


def test_the_coordinator_proposes_and_lands_on_the_matching_run(
    client, flash, after, flash_coordinator
):
    choose(flash, "ana", "mia")
    choose(flash, "mia", "ana")
    client.force_login(flash_coordinator)
    response = client.post(reverse("flash:follow_on_propose", args=[flash.cohort.slug]))
    run = MatchRun.objects.get(cohort=flash.follow_on)
    assert response["Location"] == reverse(
        "matching:run_detail", args=[flash.follow_on.slug, run.pk]
    )
    detail = client.get(response["Location"])
    assert "Chose each other at a flash event" in detail.content.decode()


def test_follow_on_proposals_join_the_cohorts_draft_run(flash, after, flash_coordinator):
    run = MatchRun.objects.create(cohort=flash.follow_on, run_by=flash_coordinator)
    choose(flash, "ana", "mia")
    choose(flash, "mia", "ana")
    result = follow_on.follow_on_propose(event=flash.event)
    assert result.run == run
    assert run.proposals.get().source == Proposal.Source.FLASH


def test_choices_and_survey_answers_are_not_in_the_admin():
    from django.contrib import admin

    from flash.models import SurveyResponse

    assert Choice not in admin.site._registry
    assert SurveyResponse not in admin.site._registry
