"""Each resource through a token: scoped as on the pages (another coordinator's objects are
404), matching through the pages' services, pairs as activity only."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from jobs.models import Job
from matching.models import MatchRun, Proposal
from relationships.models import Mentorship
from tests.api.conftest import SENTINEL


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_lists_hold_only_what_the_coordinator_runs(org, other_coordinator, client_with):
    ours, theirs = client_with(org["coordinator"]), client_with(other_coordinator)
    assert [p["slug"] for p in results(ours.get(reverse("api:program_list")))] == ["ours"]
    assert [p["slug"] for p in results(theirs.get(reverse("api:program_list")))] == ["theirs"]
    assert [c["slug"] for c in results(ours.get(reverse("api:cohort_list")))] == ["ours-2027"]
    assert len(results(ours.get(reverse("api:mentorship_list")))) == 3
    assert results(theirs.get(reverse("api:mentorship_list"))) == []


def test_another_coordinators_objects_are_404(org, other_coordinator, client_with):
    theirs = client_with(other_coordinator)
    run = MatchRun.objects.create(cohort=org["cohort"])
    proposal = Proposal.objects.create(
        run=run,
        mentee=org["cohort"].enrolments.get(person=org["people"]["E5"]),
        mentor=org["cohort"].enrolments.get(person=org["people"]["M2"]),
        score=10,
    )
    slug = org["cohort"].slug
    for method, url in [
        ("get", reverse("api:program_detail", args=["ours"])),
        ("get", reverse("api:cohort_detail", args=[slug])),
        ("get", reverse("api:enrolment_list", args=[slug])),
        ("post", reverse("api:enrolment_list", args=[slug])),
        ("get", reverse("api:run_list", args=[slug])),
        ("post", reverse("api:run_list", args=[slug])),
        ("get", reverse("api:run_detail", args=[slug, run.pk])),
        ("get", reverse("api:proposal_list", args=[slug, run.pk])),
        ("post", reverse("api:run_publish", args=[slug, run.pk])),
        ("post", reverse("api:proposal_lock", args=[slug, proposal.pk])),
        ("delete", reverse("api:proposal_lock", args=[slug, proposal.pk])),
        ("post", reverse("api:proposal_reject", args=[slug, proposal.pk])),
        ("get", reverse("api:mentorship_detail", args=[org["pairs"]["P1"].pk])),
        # Their own cohort's slug does not open our run either.
        ("get", reverse("api:run_detail", args=["theirs-2027", run.pk])),
    ]:
        response = getattr(theirs, method)(url, {}, format="json")
        assert response.status_code == 404, f"{method} {url}: {response.status_code}"
    assert MatchRun.objects.count() == 1
    assert Proposal.objects.filter(pk=proposal.pk, locked=False).exists()


def test_filters_narrow_the_lists(org, client_with):
    api = client_with(org["coordinator"])
    url = reverse("api:mentorship_list")
    assert [m["status"] for m in results(api.get(url, {"status": "active"}))] == ["active"]
    assert results(api.get(url, {"cohort": "nobodys"})) == []
    enrolments = reverse("api:enrolment_list", args=["ours-2027"])
    assert {e["email"] for e in results(api.get(enrolments, {"status": "applied"}))} == {
        "a1@example.org",
        "a2@example.org",
    }
    assert api.get(url, {"status": "nonsense"}).status_code == 400


def test_pages_of_results(org, client_with):
    api = client_with(org["coordinator"])
    url = reverse("api:enrolment_list", args=["ours-2027"])
    first = api.get(url, {"page_size": 4}).json()
    assert first["count"] == 10 and len(first["results"]) == 4 and first["next"]
    assert len(api.get(url, {"page_size": 4, "page": 3}).json()["results"]) == 2


def test_pairs_are_activity_only(org, client_with, django_assert_max_num_queries):
    api = client_with(org["coordinator"])
    with django_assert_max_num_queries(9):  # 8, and the audit entry every API read makes
        body = api.get(reverse("api:mentorship_list")).content.decode()
    assert SENTINEL not in body
    p1 = org["pairs"]["P1"]
    pair = api.get(reverse("api:mentorship_detail", args=[p1.pk])).json()
    assert pair["sessions"] == 3 and pair["status"] == "active"
    assert pair["mentor"] == "m1@example.org" and pair["mentees"] == ["e1@example.org"]
    assert pair["goals_set"] == 2 and pair["goals_achieved"] == 1
    closed = api.get(reverse("api:mentorship_detail", args=[org["pairs"]["P3"].pk])).json()
    assert closed["close_reason"] == "no_time"
    assert "close_comment" not in closed and SENTINEL not in json.dumps(closed)


def run_matching(api, slug: str, capture) -> dict:
    """Start a matching job, let the worker run it (eagerly, once the request commits) and
    read the job until it has ended; returns the job as the API last showed it."""
    runs = MatchRun.objects.count()
    with capture(execute=True):
        response = api.post(reverse("api:run_list", args=[slug]))
        assert response.status_code == 202, response.content
        started = response.json()
        # The answer comes before any worker has the job.
        assert started["state"] == "queued" and started["result"] == {}
        assert MatchRun.objects.count() == runs
    assert response["Location"] == started["url"]
    assert started["url"].endswith(reverse("api:job_detail", args=[started["id"]]))
    job = api.get(started["url"]).json()
    assert job["id"] == started["id"] and job["kind"] == "matching.run"
    assert job["state"] not in ("queued", "running"), job
    return job


def test_matching_through_the_api(org, client_with, django_capture_on_commit_callbacks):
    api = client_with(org["coordinator"])
    job = run_matching(api, "ours-2027", django_capture_on_commit_callbacks)
    assert job["state"] == "succeeded" and job["error"] == "" and job["finished_at"]
    progress = job["progress"]
    assert progress["done"] == progress["total"] == 3 and progress["percent"] == 100
    assert "mentees matched" in job["result"]["summary"]
    run = api.get(reverse("api:run_detail", args=["ours-2027", job["result"]["run"]])).json()
    assert run["status"] == "draft" and run["proposals"] >= 1
    proposals = results(api.get(reverse("api:proposal_list", args=["ours-2027", run["id"]])))
    proposal = proposals[0]
    assert proposal["mentee"].startswith("e") and proposal["mentor"].startswith("m")
    assert proposal["breakdown"] and {"criterion", "label", "points"} <= set(
        proposal["breakdown"][0]
    )
    assert sum(row["points"] for row in proposal["breakdown"]) == pytest.approx(
        proposal["score"], abs=0.05
    )
    lock = reverse("api:proposal_lock", args=["ours-2027", proposal["id"]])
    assert api.post(lock).json()["locked"] is True
    assert Proposal.objects.get(pk=proposal["id"]).locked
    assert api.delete(lock).json()["locked"] is False
    reject = reverse("api:proposal_reject", args=["ours-2027", proposal["id"]])
    assert api.post(reject).status_code == 204
    assert not Proposal.objects.filter(pk=proposal["id"]).exists()
    # A later run leaves the rejected pair out; the older run can no longer be changed.
    second_job = run_matching(api, "ours-2027", django_capture_on_commit_callbacks)
    assert second_job["state"] == "succeeded" and second_job["id"] != job["id"]
    second = {"id": second_job["result"]["run"]}
    assert second["id"] != run["id"]
    assert api.post(lock).status_code == 404  # the proposal is gone
    publish = reverse("api:run_publish", args=["ours-2027", run["id"]])
    refused = api.post(publish)
    assert refused.status_code == 409 and refused.json()["detail"]
    publish_second = reverse("api:run_publish", args=["ours-2027", second["id"]])
    published = api.post(publish_second)
    assert published.status_code == 200, published.content
    ids = published.json()["mentorships"]
    assert Mentorship.objects.filter(pk__in=ids, status="proposed").count() == len(ids) >= 1
    detail = api.get(reverse("api:run_detail", args=["ours-2027", second["id"]])).json()
    assert detail["status"] == "published" and detail["published_at"]
    assert api.post(publish_second).status_code == 409  # already published


def test_one_matching_job_per_cohort_and_the_busy_answer_points_at_it(
    org, client_with, site_admin, make_user, django_capture_on_commit_callbacks
):
    api = client_with(org["coordinator"])
    runs = reverse("api:run_list", args=["ours-2027"])
    with django_capture_on_commit_callbacks() as queued:  # held back: no worker yet
        started = api.post(runs).json()
        busy = api.post(runs)
    assert busy.status_code == 409
    assert busy.json() == {
        "detail": "“Matching 2027” is already under way.",
        "job": started["url"],
    }
    assert Job.objects.count() == 1
    # A co-coordinator is told too, but another person's job is not theirs to read; a site
    # admin reads every job.
    co_coordinator = make_user(email="co@example.org")
    org["program"].coordinators.add(co_coordinator)
    assert client_with(co_coordinator).post(runs).json() == {
        "detail": "“Matching 2027” is already under way."
    }
    assert client_with(site_admin).post(runs).json()["job"] == started["url"]
    for callback in queued:
        callback()
    assert api.get(started["url"]).json()["state"] == "succeeded"
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(runs).status_code == 202  # the cohort is free again


def test_a_cohort_that_cannot_be_matched_is_a_409_and_starts_nothing(org, client_with):
    org["program"].format = "flash"
    org["program"].save(update_fields=["format"])
    response = client_with(org["coordinator"]).post(reverse("api:run_list", args=["ours-2027"]))
    assert response.status_code == 409 and "rounds" in response.json()["detail"]
    assert not Job.objects.exists()


def test_a_job_that_fails_on_the_worker_shows_why(
    org, client_with, django_capture_on_commit_callbacks
):
    org["cohort"].enrolments.filter(role="mentee").update(status="applied")
    job = run_matching(
        client_with(org["coordinator"]), "ours-2027", django_capture_on_commit_callbacks
    )
    assert job["state"] == "failed" and "no approved mentees" in job["error"]
    assert job["result"] == {} and not MatchRun.objects.exists()


def test_a_job_is_its_starters_and_the_site_admins(
    org,
    other_coordinator,
    site_admin,
    client_with,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    api = client_with(org["coordinator"])
    with django_capture_on_commit_callbacks():
        started = api.post(reverse("api:run_list", args=["ours-2027"]))
    url = started.json()["url"]
    # A client polls it: the token, the API user check, the job and the scan for a dead worker
    # (and the audit entry every API read makes).
    with django_assert_max_num_queries(7):
        assert api.get(url).json()["state"] == "queued"
    assert client_with(site_admin).get(url).json()["id"] == started.json()["id"]
    for person in (other_coordinator, org["hr"]):
        assert client_with(person).get(url).status_code == 404
        assert client_with(person).post(url + "cancel/").status_code == 404
    assert Job.objects.get().state == "queued"


def test_cancelling_a_job_through_the_api(org, client_with, django_capture_on_commit_callbacks):
    api = client_with(org["coordinator"])
    with django_capture_on_commit_callbacks() as queued:
        started = api.post(reverse("api:run_list", args=["ours-2027"])).json()
    cancel = reverse("api:job_cancel", args=[started["id"]])
    response = api.post(cancel)
    assert response.status_code == 202, response.content
    assert response.json()["state"] == "cancelled"
    for callback in queued:  # the task arrives after all: it finds the job taken
        callback()
    assert api.get(started["url"]).json()["state"] == "cancelled"
    assert not MatchRun.objects.exists()
    too_late = api.post(cancel)
    assert too_late.status_code == 409 and "Too late" in too_late.json()["detail"]
    read_only = client_with(org["coordinator"], scope="read")
    assert read_only.post(cancel).status_code == 403


def test_hr_viewers_read_reports_but_no_pairs_or_programs(org, client_with):
    api = client_with(org["hr"])
    assert results(api.get(reverse("api:program_list"))) == []
    assert results(api.get(reverse("api:mentorship_list"))) == []
    assert api.get(reverse("api:cohort_detail", args=["ours-2027"])).status_code == 404
    assert api.get(reverse("api:participation_report")).status_code == 200


def test_an_address_no_api_route_matches_is_a_json_404(org, client_with, client):
    api = client_with(org["coordinator"])
    for url in ("/api/v1/cohorts/not a slug/", "/api/v1/mentorships/-1/", "/api/v1/nothing/"):
        response = api.get(url)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}
    client.force_login(org["coordinator"])
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and "text/html" in page["Content-Type"]
