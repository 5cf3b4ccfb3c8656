from __future__ import annotations

import pytest
from django.urls import reverse

from matching import services
from matching.loading import settings_for
from matching.models import ForbiddenPair, Proposal
from tests.factories import enrol_person, person_from_email

pytestmark = pytest.mark.django_db


def grow(cohort, n: int) -> None:
    for i in range(n):
        enrol_person(
            cohort, person_from_email(f"mentee{i}@example.org"), "mentee", interests=["python"]
        )
        enrol_person(
            cohort,
            person_from_email(f"mentor{i}@example.org", seniority=6),
            "mentor",
            expertise=["python"],
            capacity=1,
        )


def page_queries(client, cohort, django_assert_max_num_queries, limit: int) -> str:
    with django_assert_max_num_queries(limit):
        response = client.get(reverse("matching:cohort", args=[cohort.slug]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("size", [3, 30])
def test_matching_page_queries_do_not_grow_with_the_cohort(
    size, client, coordinator, matching_cohort, django_assert_max_num_queries
):
    grow(matching_cohort, size)
    services.match_run_create(cohort=matching_cohort)
    client.force_login(coordinator)
    # 20: one of them asks whether a run is under way on a worker (the page says so), one
    # reads the page's profiles for the reasons in words.
    html = page_queries(client, matching_cohort, django_assert_max_num_queries, 20)
    assert "Why?" in html
    assert html.count("Reject") >= min(size, 50)


def test_settings_form_saves_weights_and_constraints(client, coordinator, program):
    from programs.models import EnrolmentQuestion

    EnrolmentQuestion.objects.create(
        program=program, slug="goal", text="Main goal?", kind="single", choices=["a", "b"]
    )
    client.force_login(coordinator)
    url = reverse("matching:settings", args=[program.slug])
    assert "Main goal?" in client.get(url).content.decode()
    data = {
        "weight_expertise": 50,
        "weight_seniority": 0,
        "weight_department": 10,
        "weight_language": 10,
        "weight_timezone": 10,
        "weight_format": 0,
        "weight_q_goal": 20,
        "department_preference": "same",
        "max_tz_gap_hours": 4,
        "exclude_same_manager": "on",
        "max_requests": 2,
        "request_expiry_days": 7,
        "requests_allowed": "on",
    }
    assert client.post(url, data).status_code == 302
    settings = settings_for(program)
    assert settings.weights["q:goal"] == 20 and settings.weights["seniority"] == 0
    assert settings.effective_weights(["goal"])["q:goal"] == 20
    assert settings.max_tz_gap_hours == 4 and settings.exclude_same_manager
    assert settings.requests_allowed and settings.max_requests == 2


def test_settings_form_needs_one_weight(client, coordinator, program):
    client.force_login(coordinator)
    url = reverse("matching:settings", args=[program.slug])
    data = {
        f"weight_{c}": 0
        for c in ("expertise", "seniority", "department", "language", "timezone", "format")
    }
    data |= {"department_preference": "different", "max_requests": 3, "request_expiry_days": 14}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "at least one criterion" in response.content.decode()


def test_run_lock_reject_publish_through_the_pages(
    client, coordinator, small_cohort, django_capture_on_commit_callbacks
):
    cohort = small_cohort["cohort"]
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):  # the job runs (eagerly) on commit
        response = client.post(reverse("matching:run", args=[cohort.slug]))
    assert response.status_code == 302
    run = services.latest_run(cohort)
    job_page = client.get(response.url).content.decode()
    assert reverse("matching:run_detail", args=[cohort.slug, run.pk]) in job_page
    first, second = run.proposals.order_by("pk")[:2]
    client.post(reverse("matching:proposal_lock", args=[cohort.slug, first.pk]), {"locked": "1"})
    client.post(reverse("matching:proposal_reject", args=[cohort.slug, second.pk]))
    first.refresh_from_db()
    assert first.locked
    rejected = (second.mentee.person_id, second.mentor.person_id)
    assert not Proposal.objects.filter(pk=second.pk).exists()
    assert list(ForbiddenPair.objects.values_list("mentee_id", "mentor_id")) == [rejected]
    earlier = run
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:run", args=[cohort.slug]))
    run = services.latest_run(cohort)
    assert run.pk != earlier.pk
    assert rejected not in {
        (p.mentee.person_id, p.mentor.person_id)
        for p in run.proposals.select_related("mentee", "mentor")
    }
    assert run.proposals.get(mentee=first.mentee).mentor_id == first.mentor_id
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:publish", args=[cohort.slug, run.pk]), follow=True)
    assert "Published" in response.content.decode()
    history = client.get(reverse("matching:runs", args=[cohort.slug])).content.decode()
    for shown in (earlier, run):
        assert reverse("matching:run_detail", args=[cohort.slug, shown.pk]) in history


def test_pair_by_hand_error_is_shown(client, coordinator, small_cohort):
    cohort = small_cohort["cohort"]
    services.match_run_create(cohort=cohort)
    client.force_login(coordinator)
    response = client.post(
        reverse("matching:pair_by_hand", args=[cohort.slug]),
        {"mentee": "ann@example.org", "mentor": "max@example.org"},
        follow=True,
    )
    assert "reporting line" in response.content.decode()


def test_cohort_page_links_to_matching(client, coordinator, matching_cohort):
    client.force_login(coordinator)
    html = client.get(matching_cohort.get_absolute_url()).content.decode()
    assert reverse("matching:cohort", args=[matching_cohort.slug]) in html


def test_after_a_reject_the_page_lists_the_mentee_with_the_reason_and_stale_figures(
    client, coordinator, small_cohort, django_capture_on_commit_callbacks
):
    cohort = small_cohort["cohort"]
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:run", args=[cohort.slug]))
    run = services.latest_run(cohort)
    proposal = run.proposals.select_related("mentee__person__user", "mentor__person__user")[0]
    client.post(reverse("matching:proposal_reject", args=[cohort.slug, proposal.pk]))
    html = client.get(reverse("matching:cohort", args=[cohort.slug])).content.decode()
    not_matched = html[html.index("Not matched (1)") :]
    assert proposal.mentee.person.name in not_matched
    assert "Pair rejected by a coordinator" in not_matched
    assert f"With {proposal.mentor.person.name}, rejected by {coordinator.get_full_name()}" in (
        " ".join(not_matched.split())
    )
    assert "Every mentee has a proposed mentor" not in html
    remaining = run.objective - proposal.score
    assert f"total score {remaining:.2f} (mean {remaining / 2:.2f})" in html
    assert "Figures from the run; 1 pair rejected since — run again to re-match." in html
