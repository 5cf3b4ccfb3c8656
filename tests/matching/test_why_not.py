"""Why a mentee has no mentor, in words: for coordinators on the run page and for the mentee
on their dashboard (counts only)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching import services
from matching.loading import settings_for
from matching.models import Unmatched
from matching.why_not import why_not_for_mentee, why_not_for_run
from profiles.models import Person
from programs.models import Enrolment
from relationships.services import mentorship_create
from tests.factories import enrol_person, person_from_email

pytestmark = pytest.mark.django_db

MENTEE, MENTOR = Enrolment.Role.MENTEE, Enrolment.Role.MENTOR


def with_zone(email: str, zone: str, **fields):
    person = person_from_email(email, **fields)
    person.user.timezone = zone
    person.user.save(update_fields=["timezone"])
    return person


@pytest.fixture
def left_out(matching_cohort, make_user):
    """Ann waits: Max manages her (and Bob), Tom is 9 hours away (the limit is 6), and Ned,
    the one mentor who fits her, scores higher with Bob, who fits nobody else.
    Returns the cohort and its first run."""
    cohort = matching_cohort
    settings = settings_for(cohort.program)
    settings.max_tz_gap_hours = 6
    settings.save()
    max_ = with_zone("max@example.org", "UTC", seniority=7)
    ann = with_zone("ann@example.org", "UTC", manager=max_, seniority=2)
    bob = with_zone("bob@example.org", "UTC", manager=max_, seniority=2)
    tom = with_zone("tom@example.org", "Asia/Tokyo", seniority=7)
    ned = with_zone("ned@example.org", "UTC", seniority=7)
    enrol_person(cohort, ann, MENTEE)
    enrol_person(cohort, bob, MENTEE, interests=["python"])
    enrol_person(cohort, max_, MENTOR, capacity=1)
    enrol_person(cohort, tom, MENTOR, capacity=1, expertise=["python"])
    enrol_person(cohort, ned, MENTOR, capacity=1, expertise=["python"])
    run = services.match_run_create(cohort=cohort)
    [row] = Unmatched.objects.filter(run=run)
    assert row.mentee.person == ann
    return cohort, run


def test_coordinator_words_count_each_rule_and_name_the_changes(left_out):
    _cohort, run = left_out
    rows = list(run.unmatched.select_related("mentee__person__user"))
    why_not_for_run(run, rows)
    words = rows[0].why_not
    assert words.intro == "Of 3 mentors:"
    assert words.reasons == [
        "1 excluded by the reporting chain",
        "1 excluded by the 6-hour time-zone limit",
    ]
    # Ned's one place went to Bob in this draft run.
    assert words.outcome == "1 passes every rule but has no place left (given to others)."
    assert words.changes == [
        "Raising the time-zone limit to 9 hours would make 1 available.",
        "One more place for Ned Test would make them available.",
    ]


def test_a_mentee_who_since_has_a_partner_gets_no_why_not(left_out):
    cohort, run = left_out
    settings = settings_for(cohort.program)
    settings.max_tz_gap_hours = None
    settings.save()
    ann, tom = (Person.objects.get(user__email=f"{n}@example.org") for n in ("ann", "tom"))
    mentorship_create(cohort=cohort, mentor=tom, mentees=[ann])
    rows = list(run.unmatched.all())
    why_not_for_run(run, rows)
    assert rows[0].why_not is None


def test_run_page_shows_why_not_next_to_the_unmatched_mentee(
    client, coordinator, left_out, django_assert_max_num_queries
):
    cohort, _run = left_out
    client.force_login(coordinator)
    with django_assert_max_num_queries(29):  # one read of the proposals' profiles (explain)
        html = client.get(reverse("matching:cohort", args=[cohort.slug])).content.decode()
    text = " ".join(html.split())
    assert "Why Ann Test has no match" in text
    assert "1 excluded by the 6-hour time-zone limit" in text
    assert "One more place for Ned Test would make them available." in text


@pytest.mark.parametrize("extra", [0, 12])
def test_run_page_queries_do_not_grow_with_unmatched_mentees(
    extra, client, coordinator, left_out, django_assert_max_num_queries
):
    cohort, _run = left_out
    for i in range(extra):
        enrol_person(cohort, person_from_email(f"far{i}@example.org"), MENTEE)
    services.match_run_create(cohort=cohort)
    client.force_login(coordinator)
    with django_assert_max_num_queries(29):  # one read of the proposals' profiles (explain)
        html = client.get(reverse("matching:cohort", args=[cohort.slug])).content.decode()
    # Max, nobody's manager among the newcomers, takes one of them.
    assert html.count("has no match") == max(1, extra)


def test_mentee_dashboard_explains_in_counts_after_a_published_run(client, left_out, password):
    cohort, run = left_out
    services.match_run_publish(run=run)
    ann = Enrolment.objects.get(cohort=cohort, person__user__email="ann@example.org")
    [(enrolment, words)] = why_not_for_mentee(ann.person.user)
    assert enrolment == ann
    assert words.reasons == [
        "1 is in your reporting line",
        "1 is more than 6 hours from your time zone",
    ]
    assert words.outcome == "1 fits every rule but has no place left."
    assert words.changes == [
        "If the coordinators raised the time-zone limit to 9 hours, 1 would fit.",
        "If one mentor who fits every rule took on one more person, you could be matched.",
    ]
    client.force_login(ann.person.user)
    html = " ".join(client.get(reverse("portal:dashboard")).content.decode().split())
    assert "Why you have no mentor yet in" in html
    assert "1 is more than 6 hours from your time zone" in html
    for name in ("Ned", "Tom", "Max", "Bob"):
        assert name not in html


def test_no_why_not_before_publishing_nor_once_paired(client, left_out):
    cohort, run = left_out
    ann = Enrolment.objects.get(cohort=cohort, person__user__email="ann@example.org")
    assert why_not_for_mentee(ann.person.user) == []  # the run is a draft
    services.match_run_publish(run=run)
    settings = settings_for(cohort.program)
    settings.max_tz_gap_hours = None
    settings.save()
    later = services.match_run_create(cohort=cohort)
    services.match_run_publish(run=later)  # Tom, no longer too far, takes Ann
    assert why_not_for_mentee(ann.person.user) == []
