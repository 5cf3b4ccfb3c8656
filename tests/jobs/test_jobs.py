"""Jobs in one process: tasks run eagerly when the request that queued them commits.

The worker-kill tests (a real worker, SIGKILLed mid-job) are in test_worker_kill.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from jobs import services as job_services
from jobs.models import Job
from matching import services
from matching.models import MatchRun
from matching.services import runs

pytestmark = pytest.mark.django_db


def start(client, matching_cohort):
    response = client.post(reverse("matching:run", args=[matching_cohort.slug]))
    assert response.status_code == 302
    return response


def test_starting_matching_answers_at_once_with_the_job_page_which_then_shows_the_run(
    client, coordinator, small_cohort, django_capture_on_commit_callbacks
):
    matching_cohort = small_cohort["cohort"]
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks() as queued:  # held back: no worker yet
        response = start(client, matching_cohort)
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.state, job.target_id, job.created_by) == (
        "matching.run",
        "queued",
        matching_cohort.pk,
        coordinator,
    )
    assert not MatchRun.objects.exists()
    page = client.get(response.url).content.decode()
    assert "Waiting for a worker" in page and 'hx-trigger="every 1s"' in page
    assert "Cancel" in page

    for callback in queued:  # the broker hands it to a worker
        callback()
    job.refresh_from_db()
    run = services.latest_run(matching_cohort)
    assert job.state == "succeeded" and job.result["run"] == run.pk
    assert job.celery_task_id and job.attempts == 1 and job.applied_at is not None
    page = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in page  # htmx gets the status part alone, and polls no more
    assert "hx-get" not in page
    assert "3 of 3 mentees matched" in page
    assert reverse("matching:run_detail", args=[matching_cohort.slug, run.pk]) in page


def test_one_matching_job_per_cohort_at_a_time(
    client, coordinator, small_cohort, django_capture_on_commit_callbacks
):
    matching_cohort = small_cohort["cohort"]
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks():
        first = start(client, matching_cohort)
        second = start(client, matching_cohort)
    assert first.url == second.url
    assert Job.objects.count() == 1
    assert "“Matching 2027” is already under way." in client.get(second.url).content.decode()
    # The database keeps it so whatever the path: two starts at once cannot both insert.
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(
            kind="matching.run",
            title="x",
            target_id=matching_cohort.pk,
            lock_key=(f"matching:cohort:{matching_cohort.pk}"),
        )


def test_cancelling_a_queued_job_runs_nothing_and_frees_the_cohort(
    client, coordinator, small_cohort, django_capture_on_commit_callbacks
):
    matching_cohort = small_cohort["cohort"]
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks() as queued:
        response = start(client, matching_cohort)
    job = Job.objects.get()
    page = client.post(reverse("jobs:cancel", args=[job.pk]), follow=True).content.decode()
    assert "Cancelled; nothing was changed." in page
    for callback in queued:  # the task arrives after all: it finds the job taken
        callback()
    job.refresh_from_db()
    assert job.state == "cancelled" and job.attempts == 0
    assert not MatchRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        again = start(client, matching_cohort)
    assert again.url != response.url
    assert MatchRun.objects.count() == 1


def test_cancelling_a_running_job_stops_it_before_it_writes_anything(
    client, coordinator, small_cohort, django_capture_on_commit_callbacks, monkeypatch
):
    matching_cohort = small_cohort["cohort"]
    solve = runs._solve

    def solve_while_the_coordinator_cancels(*args, **kwargs):
        job = Job.objects.get()
        assert job.state == "running" and "Matching 3 mentees with 2 mentors" in job.message
        assert client.post(reverse("jobs:cancel", args=[job.pk])).status_code == 302
        return solve(*args, **kwargs)

    monkeypatch.setattr(runs, "_solve", solve_while_the_coordinator_cancels)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        start(client, matching_cohort)
    job = Job.objects.get()
    assert job.state == "cancelled"
    assert not MatchRun.objects.exists()


def test_a_cancel_after_the_result_is_applied_is_refused(coordinator, small_cohort):
    job = Job.objects.create(
        kind="matching.run", title="t", target_id=1, state="running", applied_at=timezone.now()
    )
    assert not job_services.job_cancel(job=job)
    job.refresh_from_db()
    assert not job.cancel_requested


def test_a_job_that_cannot_run_fails_with_the_reason(
    client, coordinator, matching_cohort, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = start(client, matching_cohort)
    page = client.get(response.url).content.decode()
    assert "This cohort has no approved mentors to match." in page
    assert Job.objects.get().state == "failed"


def test_an_unexpected_error_fails_the_job_and_writes_nothing(
    client, coordinator, small_cohort, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(runs.Unmatched.objects, "bulk_create", broken)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = start(client, small_cohort["cohort"])
    page = client.get(response.url).content.decode()
    assert "Something went wrong (ZeroDivisionError); nothing was changed." in page
    job = Job.objects.get()
    assert job.state == "failed" and job.applied_at is None
    assert not MatchRun.objects.exists()


# --- A worker that died ----------------------------------------------------------------------


def died(job: Job, **fields) -> None:
    """The job's worker was killed: the job says running, and nobody reports any more."""
    long_ago = timezone.now() - timedelta(seconds=3600)
    Job.objects.filter(pk=job.pk).update(
        state="running", started_at=long_ago, heartbeat_at=long_ago, **fields
    )


def test_a_job_whose_worker_died_is_run_again_from_the_start(
    client, coordinator, small_cohort, django_capture_on_commit_callbacks
):
    matching_cohort = small_cohort["cohort"]
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks():
        response = start(client, matching_cohort)
    job = Job.objects.get()
    died(job, attempts=1)
    # Whoever watches the page (or beat's scan) notices, and hands it out again.
    with django_capture_on_commit_callbacks(execute=True):
        client.get(response.url)
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("succeeded", 2)
    assert MatchRun.objects.count() == 1


def test_a_job_whose_worker_died_after_applying_is_finished_not_run_twice(
    coordinator, small_cohort, django_capture_on_commit_callbacks
):
    job = services.match_run_start(cohort=small_cohort["cohort"], run_by=coordinator)
    died(job, attempts=1, applied_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert job_services.jobs_scan() == 1
    job.refresh_from_db()
    assert job.state == "succeeded"
    assert not MatchRun.objects.exists()  # (this test applied nothing: it was not run again)


def test_a_job_whose_worker_keeps_dying_fails_with_the_reason_and_frees_the_cohort(
    client, coordinator, small_cohort, django_capture_on_commit_callbacks
):
    matching_cohort = small_cohort["cohort"]
    job = services.match_run_start(cohort=matching_cohort, run_by=coordinator)
    died(job, attempts=job_services.MAX_ATTEMPTS)
    with django_capture_on_commit_callbacks(execute=True):
        assert job_services.jobs_scan() == 1
    job.refresh_from_db()
    assert job.state == "failed"
    assert job.error == "The worker stopped before finishing, 3 times; nothing was changed."
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        start(client, matching_cohort)
    assert Job.objects.filter(state="succeeded").count() == 1


def test_a_job_the_broker_never_took_is_handed_out_by_the_scan(
    coordinator, small_cohort, django_capture_on_commit_callbacks, monkeypatch
):
    from jobs import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("no broker")

    monkeypatch.setattr(tasks.job_run, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.match_run_start(cohort=small_cohort["cohort"], run_by=coordinator)
    job.refresh_from_db()
    assert (job.state, job.enqueued_at) == ("queued", None)
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert job_services.jobs_scan() == 1
    job.refresh_from_db()
    assert job.state == "succeeded"


def test_a_worker_taken_over_stops_at_its_next_report(coordinator, small_cohort):
    from jobs.progress import JobCancelled, JobProgress

    job = services.match_run_start(cohort=small_cohort["cohort"], run_by=coordinator)
    claimed = timezone.now()
    assert job_services.job_claim(job_id=job.pk, now=claimed)
    progress = JobProgress(job, claimed)
    progress(1, 3, "working")
    Job.objects.filter(pk=job.pk).update(started_at=claimed + timedelta(seconds=1))  # taken
    with pytest.raises(JobCancelled):
        progress(2, 3, "still working")


# --- Import jobs -------------------------------------------------------------------------------

HEADER = "email,first_name,last_name,role,manager_email\n"


def upload(client, matching_cohort, content: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile("people.csv", content.encode(), content_type="text/csv")
    response = client.post(
        reverse("programs:import_upload", args=[matching_cohort.slug]), {"file": file}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response.url


def test_an_import_confirmed_in_the_browser_runs_as_a_job(
    client, coordinator, matching_cohort, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    preview = upload(client, matching_cohort, HEADER + "ivy@example.org,Ivy,New,mentee,\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(preview)
    page = client.get(response.url).content.decode()
    assert "Imported: 1 created" in page
    assert matching_cohort.get_absolute_url() in page
    assert matching_cohort.enrolments.filter(person__user__email="ivy@example.org").exists()
    assert not matching_cohort.imports.exists()  # deleted with the import, in its transaction


def test_an_import_the_directory_no_longer_allows_fails_and_writes_nothing(
    client, coordinator, matching_cohort, make_user, django_capture_on_commit_callbacks
):
    boss = make_user(email="boss@example.org")
    client.force_login(coordinator)
    preview = upload(
        client, matching_cohort, HEADER + "ivy@example.org,Ivy,New,mentee,boss@example.org\n"
    )
    boss.delete()  # between the preview and the confirmation
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(preview)
    page = client.get(response.url).content.decode()
    assert "The directory changed since the preview; nothing was written." in page
    assert Job.objects.get().state == "failed"
    assert not matching_cohort.enrolments.exists()
    assert matching_cohort.imports.exists()  # the upload stays, to confirm again once fixed


def test_the_matching_page_says_a_run_is_under_way_and_links_its_starter_to_it(
    client, coordinator, small_cohort, make_user, django_capture_on_commit_callbacks
):
    matching_cohort = small_cohort["cohort"]
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks():
        response = start(client, matching_cohort)
    page = client.get(reverse("matching:cohort", args=[matching_cohort.slug])).content.decode()
    assert "A matching run is under way for this cohort." in page
    assert response.url in page
    colleague = make_user(email="colleague@example.org")
    matching_cohort.program.coordinators.add(colleague)
    client.force_login(colleague)
    page = client.get(reverse("matching:cohort", args=[matching_cohort.slug])).content.decode()
    assert "A matching run is under way for this cohort." in page
    assert response.url not in page  # someone else's job page would be a 404


def test_the_scan_task_hands_out_a_job_nobody_took(
    coordinator, small_cohort, django_capture_on_commit_callbacks
):
    from jobs.tasks import scan

    job = services.match_run_start(cohort=small_cohort["cohort"], run_by=coordinator)
    Job.objects.filter(pk=job.pk).update(enqueued_at=None)  # the broker was down
    with django_capture_on_commit_callbacks(execute=True):
        scan.delay()  # as beat runs it (eager here)
    job.refresh_from_db()
    assert job.state == "succeeded"
