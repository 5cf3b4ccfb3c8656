"""The dashboard starts with what needs the person now, each item linking to where it is done."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from matching import services as matching
from matching.loading import settings_for
from matching.models import MatchRun, MentorRequest, Proposal
from programs.models import Cohort
from relationships.models import Mentorship
from relationships.services import agreement_confirm, mentorship_close, mentorship_create
from scheduling.models import Meeting
from sessions.services import session_log
from tests.factories import CohortFactory, EnrolmentFactory, ProgramFactory
from tests.flash.people_builders import event_by_hand, publish, take_part

pytestmark = pytest.mark.django_db

# What the dashboard may cost, whatever is waiting (sign-in, roles, then a query per kind).
# A participant's includes one asking whether a published run left them without a partner
# (matching.why_not); only then is that cohort loaded to say why.
PARTICIPANT_QUERIES = 21
COORDINATOR_QUERIES = 12

ITEM = re.compile(r'<a class="fw-semibold" href="([^"]*)">([^<]*)</a>')
WAITING = re.compile(r'<li class="mb-1">\s*<a href="([^"]*)">([^<]*)</a>')


def _section(client) -> str:
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    start = page.find('id="actions-heading"')
    assert start != -1, "the dashboard has no action list"
    return page[start : page.index("</section>", start)]


def actions(client) -> dict[str, str]:
    """Text -> link of each item in "Needs you now"."""
    return {html.unescape(text): html.unescape(url) for url, text in ITEM.findall(_section(client))}


def waiting(client) -> dict[str, str]:
    return {
        html.unescape(text): html.unescape(url) for url, text in WAITING.findall(_section(client))
    }


def ask(mentee, mentor) -> MentorRequest:
    return matching.mentor_request_create(
        mentee=mentee.enrolments.get(), mentor_enrolment_id=mentor.enrolments.get().pk
    )


def make_active(mentorship: Mentorship) -> Mentorship:
    for person in mentorship.members():
        agreement_confirm(mentorship=mentorship, person=person, actor=person.user)
    mentorship.refresh_from_db()
    return mentorship


# --- Participants ---------------------------------------------------------------------------


def test_a_mentor_sees_a_request_waiting_for_their_answer(client, requests_mentor, requests_mentee):
    ask(requests_mentee, requests_mentor)
    client.force_login(requests_mentor.user)
    found = actions(client)
    [(text, url)] = [(t, u) for t, u in found.items() if "asks you to be their mentor" in t]
    assert text.startswith("Milo Mentee asks you to be their mentor: answer by ")
    assert url == reverse("matching:requests")


def test_a_request_past_its_deadline_no_longer_asks_the_mentor(
    client, requests_mentor, requests_mentee
):
    ask(requests_mentee, requests_mentor)
    client.force_login(requests_mentor.user)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        client.force_login(requests_mentor.user)
        assert not any("asks you" in text for text in actions(client))


def test_an_invitee_sees_the_invitation_to_answer(client, make_person, requests_cohort):
    invitee = make_person("ivy@example.org", first_name="Ivy")
    enrolment = EnrolmentFactory(
        cohort=requests_cohort, person=invitee, role="mentee", status="invited"
    )
    client.force_login(invitee.user)
    assert actions(client) == {
        "Answer your invitation to Leaders: 2027": reverse(
            "programs:enrolment_respond", args=[enrolment.pk]
        )
    }


def test_a_mentee_sees_the_request_they_wait_on_and_then_a_way_forward(
    client, requests_mentor, requests_mentee
):
    request = ask(requests_mentee, requests_mentor)
    client.force_login(requests_mentee.user)
    [text] = waiting(client)
    assert text.startswith("Your request to Mona Mentor waits for an answer until ")
    assert not any("Find a mentor" in text for text in actions(client))
    matching.mentor_request_respond(request=request, accept=False, user=requests_mentor.user)
    assert waiting(client) == {}
    assert actions(client)["Find a mentor in Leaders: 2027"] == reverse(
        "matching:find_mentor", args=[requests_mentee.enrolments.get().pk]
    )


def test_an_applicant_waits_on_the_coordinator(client, make_person, requests_cohort):
    applicant = make_person("ann@example.org")
    EnrolmentFactory(cohort=requests_cohort, person=applicant, role="mentee", status="applied")
    client.force_login(applicant.user)
    assert waiting(client) == {
        "Your application to Leaders: 2027 is with the coordinator": reverse(
            "programs:my_enrolments"
        )
    }


def test_a_new_pair_is_asked_to_confirm_the_agreement_and_the_mentee_to_set_goals(
    client, requests_cohort, requests_mentor, requests_mentee
):
    mentorship = mentorship_create(
        cohort=requests_cohort, mentor=requests_mentor, mentees=[requests_mentee]
    )
    client.force_login(requests_mentee.user)
    found = actions(client)
    assert found["Confirm your mentoring agreement with Mona Mentor"] == (
        f"{mentorship.get_absolute_url()}#agreement"
    )
    assert found["Set your first goal with Mona Mentor"] == reverse(
        "goals:goal_create", args=[mentorship.pk]
    )
    client.force_login(requests_mentor.user)
    found = actions(client)
    assert "Confirm your mentoring agreement with Milo Mentee" in found
    assert not any("goal" in text for text in found), "goals are the mentee's to set"


def test_a_meeting_that_ended_unlogged_asks_to_be_logged(
    client, requests_cohort, requests_mentor, requests_mentee
):
    mentorship = make_active(
        mentorship_create(cohort=requests_cohort, mentor=requests_mentor, mentees=[requests_mentee])
    )
    start = timezone.now() - timedelta(days=2)
    meeting = Meeting.objects.create(mentorship=mentorship, start=start, duration_minutes=30)
    client.force_login(requests_mentor.user)
    text = f"Log how your meeting of {timezone.localtime(start):%-d %b %Y} with Milo Mentee went"
    assert actions(client)[text] == reverse("scheduling:meeting_log", args=[meeting.pk])
    session_log(
        mentorship=mentorship,
        person=requests_mentee,
        occurred_at=start,
        duration_minutes=30,
        format="video",
    )
    assert text not in actions(client)


def test_an_ended_mentorship_asks_for_the_closing_survey(
    client, requests_cohort, requests_mentor, requests_mentee
):
    mentorship = make_active(
        mentorship_create(cohort=requests_cohort, mentor=requests_mentor, mentees=[requests_mentee])
    )
    mentorship_close(mentorship=mentorship, actor=requests_mentor.user, reason="no_time")
    client.force_login(requests_mentor.user)
    assert actions(client)["Answer the closing survey of your mentorship with Milo Mentee"] == (
        reverse("relationships:closing_survey", args=[mentorship.pk])
    )


def test_a_plain_user_is_offered_open_programs_and_otherwise_told_nothing_needs_them(
    client, plain_user
):
    client.force_login(plain_user)
    assert actions(client) == {}
    assert "Nothing needs you right now." in _section(client)
    open_program = ProgramFactory(name="Open doors", slug="open-doors", enrolment="open")
    CohortFactory(program=open_program, name="Spring", slug="spring", status="enrolling")
    assert actions(client) == {
        "Apply to Open doors: Spring": reverse("programs:apply", args=["spring"])
    }


def test_the_hr_viewer_is_pointed_to_the_reports(client, make_user):
    client.force_login(make_user(email="hr@example.org", is_hr_viewer=True))
    assert actions(client) == {"See participation and outcomes": reverse("reports:participation")}


# --- Coordinators -----------------------------------------------------------------------------


def test_the_coordinator_sees_applications_to_approve(
    client, coordinator, requests_cohort, make_person
):
    EnrolmentFactory(cohort=requests_cohort, person=make_person("a@example.org"), status="applied")
    EnrolmentFactory(cohort=requests_cohort, person=make_person("b@example.org"), status="applied")
    client.force_login(coordinator)
    url = reverse("programs:cohort_detail", args=[requests_cohort.slug])
    assert actions(client) == {"Approve or decline 2 applications": f"{url}?status=applied"}


def test_the_coordinator_sees_mentees_without_a_mentor_and_where_to_pair_them(
    client, coordinator, requests_cohort, requests_mentor, requests_mentee, make_person
):
    other = make_person("otto@example.org", first_name="Otto")
    EnrolmentFactory(cohort=requests_cohort, person=other, role="mentee", status="approved")
    requests_mentor.enrolments.update(capacity=2)
    client.force_login(coordinator)
    # No run yet: matching is the way forward.
    assert actions(client) == {
        "Pair 2 mentees who have no mentor": reverse("matching:cohort", args=[requests_cohort.slug])
    }
    # A draft run lists its own unmatched; publishing it is what is due.
    run = matching.match_run_create(cohort=requests_cohort)
    assert actions(client) == {
        "Review and publish 2 proposed pairs": reverse(
            "matching:cohort", args=[requests_cohort.slug]
        )
    }
    matching.proposal_reject(proposal=run.proposals.get(mentee__person=other))
    matching.match_run_publish(run=run)
    assert actions(client) == {
        "Pair 1 mentee who has no mentor": reverse(
            "relationships:mentorship_new", args=[requests_cohort.slug]
        )
    }


def test_the_coordinator_sees_requests_unanswered_past_their_deadline(
    client, coordinator, requests_cohort, requests_mentor, requests_mentee
):
    Cohort.objects.filter(pk=requests_cohort.pk).update(status="enrolling")  # no unmatched yet
    ask(requests_mentee, requests_mentor)
    client.force_login(coordinator)
    assert actions(client) == {}
    expected = {
        "Follow up 1 mentor request unanswered past its deadline": reverse(
            "matching:cohort", args=[requests_cohort.slug]
        )
    }
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        client.force_login(coordinator)
        assert actions(client) == expected
        # The expiry scan marks it expired; the mentee still waits, so it still shows.
        matching.mentor_requests_expire()
        assert actions(client) == expected
        mentorship_create(cohort=requests_cohort, mentor=requests_mentor, mentees=[requests_mentee])
        assert actions(client) == {}


def test_the_coordinator_sees_pairs_gone_quiet(
    client, coordinator, requests_cohort, requests_mentor, requests_mentee
):
    make_active(
        mentorship_create(cohort=requests_cohort, mentor=requests_mentor, mentees=[requests_mentee])
    )
    client.force_login(coordinator)
    assert actions(client) == {}
    with time_machine.travel(timezone.now() + timedelta(days=2 * 14 + 1)):
        client.force_login(coordinator)
        url = reverse("relationships:cohort_health", args=[requests_cohort.slug])
        assert actions(client) == {"Check on 1 pair that has gone quiet": f"{url}?show=stalled"}


def test_another_programs_coordinator_sees_none_of_it(
    client, make_user, requests_cohort, make_person
):
    EnrolmentFactory(cohort=requests_cohort, person=make_person("a@example.org"), status="applied")
    someone = make_user(email="other-coord@example.org")
    ProgramFactory(slug="theirs").coordinators.add(someone)
    client.force_login(someone)
    assert actions(client) == {}
    assert "Nothing needs you right now." in _section(client)


def test_the_dashboard_keeps_its_panels_below_the_action_list(
    client, requests_cohort, requests_mentor, requests_mentee
):
    mentorship_create(cohort=requests_cohort, mentor=requests_mentor, mentees=[requests_mentee])
    client.force_login(requests_mentor.user)
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert page.index('id="actions-heading"') < page.index('id="my-mentorships-heading"')


# --- Cost: one query per kind of item, whatever is waiting -----------------------------------


def participant_world(person, cohort, make_person, n: int, start: int) -> None:
    """n of everything for `person`, a mentor in `cohort`: requests to answer, new pairs,
    active pairs with a meeting to log, ended pairs, invitations, and (as a mentee in another
    program) requests waiting and a program to find a mentor in."""
    now = timezone.now()
    mine = person.enrolments.get(cohort=cohort)
    for i in range(start, start + n):
        asking = make_person(f"asking{i}@example.org")
        enrolment = EnrolmentFactory(cohort=cohort, person=asking, role="mentee", status="approved")
        matching.mentor_request_create(mentee=enrolment, mentor_enrolment_id=mine.pk)
        fresh = make_person(f"fresh{i}@example.org")
        EnrolmentFactory(cohort=cohort, person=fresh, role="mentee", status="approved")
        mentorship_create(cohort=cohort, mentor=person, mentees=[fresh])
        met = make_person(f"met{i}@example.org")
        EnrolmentFactory(cohort=cohort, person=met, role="mentee", status="approved")
        pair = make_active(mentorship_create(cohort=cohort, mentor=person, mentees=[met]))
        Meeting.objects.create(mentorship=pair, start=now - timedelta(days=1))
        ended = make_person(f"ended{i}@example.org")
        EnrolmentFactory(cohort=cohort, person=ended, role="mentee", status="approved")
        pair = make_active(mentorship_create(cohort=cohort, mentor=person, mentees=[ended]))
        mentorship_close(mentorship=pair, actor=person.user, reason="no_time")
        invited_to = CohortFactory(slug=f"invited-{i}")
        EnrolmentFactory(cohort=invited_to, person=person, role="mentor", status="invited")
        elsewhere = CohortFactory(slug=f"elsewhere-{i}", status="active")
        settings = settings_for(elsewhere.program)
        settings.requests_allowed = True
        settings.save()
        me = EnrolmentFactory(cohort=elsewhere, person=person, role="mentee", status="approved")
        other = make_person(f"other-mentor{i}@example.org")
        EnrolmentFactory(cohort=elsewhere, person=other, role="mentor", status="approved")
        if i % 2:
            matching.mentor_request_create(mentee=me, mentor_enrolment_id=other.enrolments.get().pk)
        flash = event_by_hand(slug=f"flash-{i}", starts_at=now - timedelta(days=i % 3), tables=())
        take_part(flash, person, "mentor")
        publish(flash)


@pytest.mark.parametrize("size", [1, 6])
def test_a_busy_participants_dashboard_costs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, requests_cohort, requests_mentor, make_person, size
):
    requests_mentor.enrolments.filter(cohort=requests_cohort).update(capacity=50)
    participant_world(requests_mentor, requests_cohort, make_person, size, start=0)
    client.force_login(requests_mentor.user)
    with django_assert_max_num_queries(PARTICIPANT_QUERIES):
        items = ITEM.findall(_section(client))
    # Requests, agreements, meetings, surveys and invitations, and programs to find a mentor in.
    assert len(items) >= 5 * size


def coordinator_world(program, make_person, n: int, start: int) -> None:
    """n cohorts with one of each thing a coordinator has to do."""
    past = timezone.now() - timedelta(days=60)
    for i in range(start, start + n):
        cohort = CohortFactory(program=program, slug=f"c-{i}", status="matching")
        people = [make_person(f"p{i}-{k}@example.org") for k in range(5)]
        EnrolmentFactory(cohort=cohort, person=people[0], status="applied")
        waiting = EnrolmentFactory(cohort=cohort, person=people[1], status="approved")
        mentor = EnrolmentFactory(cohort=cohort, person=people[2], role="mentor", status="approved")
        EnrolmentFactory(cohort=cohort, person=people[3], role="mentor", status="approved")
        EnrolmentFactory(cohort=cohort, person=people[4], role="mentee", status="approved")
        MentorRequest.objects.create(cohort=cohort, mentee=waiting, mentor=mentor, expires_at=past)
        pair = make_active(mentorship_create(cohort=cohort, mentor=people[3], mentees=[people[4]]))
        Mentorship.objects.filter(pk=pair.pk).update(started_at=past)
        if i % 2:
            run = MatchRun.objects.create(cohort=cohort)
            Proposal.objects.create(run=run, mentee=waiting, mentor=mentor, score=1)


@pytest.mark.parametrize("size", [1, 8])
def test_a_busy_coordinators_dashboard_costs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, coordinator, requests_program, make_person, size
):
    coordinator_world(requests_program, make_person, size, start=0)
    client.force_login(coordinator)
    with django_assert_max_num_queries(COORDINATOR_QUERIES):
        items = ITEM.findall(_section(client))
    assert len(items) >= 4 * size


# --- Panels: pairs as cards, figures, and the next step when there is nothing yet -----------


def page_of(client) -> str:
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_coordinator_sees_a_quiet_pair_as_a_card_that_leads_to_managing_it(
    client, coordinator, requests_cohort, requests_mentor, requests_mentee
):
    pair = make_active(
        mentorship_create(cohort=requests_cohort, mentor=requests_mentor, mentees=[requests_mentee])
    )
    client.force_login(coordinator)
    assert 'id="quiet-heading"' not in page_of(client)
    with time_machine.travel(timezone.now() + timedelta(days=2 * 14 + 1)):
        client.force_login(coordinator)
        page = page_of(client)
    quiet = page[page.index('id="quiet-heading"') :]
    assert 'aria-label="Mentorship with Mona Mentor and Milo Mentee"' in quiet
    assert f'href="{reverse("relationships:mentorship_manage", args=[pair.pk])}"' in quiet


def test_a_pair_card_shows_the_next_meeting_else_offers_to_find_a_time(
    client, requests_cohort, requests_mentor, requests_mentee
):
    pair = make_active(
        mentorship_create(cohort=requests_cohort, mentor=requests_mentor, mentees=[requests_mentee])
    )
    find_a_time = f'href="{reverse("scheduling:meeting_book", args=[pair.pk])}"'
    client.force_login(requests_mentee.user)
    assert find_a_time in page_of(client)
    Meeting.objects.create(
        mentorship=pair, start=timezone.now() + timedelta(days=3), duration_minutes=30
    )
    assert find_a_time not in page_of(client)


def test_a_coordinator_with_no_cohort_yet_is_offered_to_create_a_program(client, site_admin):
    client.force_login(site_admin)
    page = page_of(client)
    assert "No programs yet" in page
    assert f'href="{reverse("programs:program_create")}"' in page


def test_a_participant_with_no_pair_yet_is_pointed_to_their_programs(client, requests_mentee):
    client.force_login(requests_mentee.user)
    page = page_of(client)
    mentorships = page[page.index('id="my-mentorships-heading"') :]
    assert "No mentorship yet." in mentorships
    assert f'href="{reverse("programs:my_enrolments")}"' in mentorships
