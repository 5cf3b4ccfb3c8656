"""A worker SIGKILLed in the middle of a job: nothing half-applied, the job run again from the
start by the next worker, the cohort free afterwards.

Real processes: a Celery worker on a private Redis, `manage.py jobs_scan` run the way beat runs
it (a separate process), PostgreSQL in between. Each test kills the worker at the worst moment:
inside the transaction that writes the result, after some of its rows went to the database and
before the commit. To get there every time, the test holds a lock on a table the worker writes
late in that transaction, waits until the worker waits for it, and kills the worker."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from benchmarks.people import as_csv, synthetic_rows
from jobs import tasks
from jobs.models import Job
from matching.models import MatchRun, Proposal
from matching.services import match_run_start
from profiles.models import Person
from programs.importing import participant_import_start
from programs.models import Cohort, ParticipantImport, Program
from tests.jobs.cohorts import big_cohort
from tests.support.broker import worker_env
from tests.support.locks import someone_waits_for, table_locked
from tests.support.workers import WorkerProcess, run_manage, start_private_worker

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

STALE_AFTER = 2  # seconds: a job whose worker stopped reporting is handed out again this fast
MENTEES, MENTORS = 1500, 600
IMPORT_ROWS = 3000


@pytest.fixture
def process_env(redis_server, mail_dir, tmp_path) -> dict[str, str]:
    return worker_env(
        redis_url=redis_server.url, mail_dir=mail_dir, var_dir=tmp_path / "var", claim_timeout=60
    ) | {"JOBS_STALE_AFTER": str(STALE_AFTER)}


def queued_while_the_broker_is_down(start) -> Job:
    """The job as the page records it; the scan, not this process, hands it to the worker."""

    def broker_down(*args, **kwargs):
        raise ConnectionError("no broker")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tasks.job_run, "delay", broker_down)
        with transaction.atomic():
            job = start()
    job.refresh_from_db()
    assert (job.state, job.enqueued_at) == ("queued", None)
    return job


def wait_for(predicate, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def kill_mid_transaction(env: dict[str, str], job: Job, table: str, log: Path) -> WorkerProcess:
    worker = start_private_worker(env, log)
    try:
        with table_locked(table):
            assert "acted on 1 job" in run_manage(env, "jobs_scan")
            assert wait_for(lambda: someone_waits_for(table), 180), worker.output()[-3000:]
            # The worker is inside its transaction: it marked the job applied, and holds it.
            assert Job.objects.filter(pk=job.pk, applied_at=None).exists()
            worker.kill()  # SIGKILL, mid-transaction
    finally:
        worker.kill()
    return worker


def run_again(env: dict[str, str], job: Job, log: Path) -> WorkerProcess:
    """The next worker; beat's scan notices the dead one's job once it went quiet."""
    worker = start_private_worker(env, log)
    try:
        time.sleep(STALE_AFTER + 0.5)
        assert "acted on 1 job" in run_manage(env, "jobs_scan")
        assert wait_for(lambda: Job.objects.get(pk=job.pk).state not in Job.ACTIVE, 300), (
            worker.output()[-3000:]
        )
    finally:
        worker.stop()
    return worker


def test_a_matching_job_whose_worker_is_killed_leaves_no_run_and_is_run_again(
    make_user, process_env, tmp_path
):
    coordinator = make_user(email="cora@example.org")
    cohort = big_cohort(coordinator, MENTEES, MENTORS)
    job = queued_while_the_broker_is_down(
        lambda: match_run_start(cohort=cohort, run_by=coordinator)
    )

    first = kill_mid_transaction(process_env, job, "matching_proposal", tmp_path / "worker-1.log")
    job.refresh_from_db()
    assert (job.state, job.attempts, job.applied_at) == ("running", 1, None)
    assert job.message == "Saving the proposals", first.output()[-3000:]
    assert not MatchRun.objects.exists() and not Proposal.objects.exists()  # nothing half-written

    second = run_again(process_env, job, tmp_path / "worker-2.log")
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("succeeded", 2), (job.error, second.output()[-3000:])
    (run,) = MatchRun.objects.all()
    assert job.result["run"] == run.pk
    assert run.proposals.count() == MENTEES
    assert job.applied_at is not None
    # The cohort is free: the next run starts (and is not refused as "under way").
    with transaction.atomic():
        match_run_start(cohort=cohort, run_by=coordinator)


def test_an_import_job_whose_worker_is_killed_writes_nobody_and_is_run_again(
    make_user, process_env, tmp_path
):
    coordinator = make_user(email="cora@example.org")
    program = Program.objects.create(name="Import", slug="import")
    program.coordinators.add(coordinator)
    cohort = Cohort.objects.create(program=program, name="Import", slug="import")
    rows = synthetic_rows(IMPORT_ROWS, 0, questions=False)
    pending = ParticipantImport.objects.create(
        cohort=cohort, uploaded_by=coordinator, filename="people.csv", content=as_csv(rows).decode()
    )
    users_before = get_user_model().objects.count()
    job = queued_while_the_broker_is_down(
        lambda: participant_import_start(pending=pending, by=coordinator)
    )

    kill_mid_transaction(process_env, job, "programs_enrolment", tmp_path / "worker-1.log")
    job.refresh_from_db()
    assert (job.state, job.attempts, job.applied_at) == ("running", 1, None)
    assert get_user_model().objects.count() == users_before  # nothing half-written
    assert not Person.objects.exists() and not cohort.enrolments.exists()
    assert ParticipantImport.objects.filter(pk=pending.pk).exists()

    second = run_again(process_env, job, tmp_path / "worker-2.log")
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("succeeded", 2), (job.error, second.output()[-3000:])
    assert job.result["summary"].startswith(f"Imported: {IMPORT_ROWS} created")
    assert get_user_model().objects.count() == users_before + IMPORT_ROWS
    assert cohort.enrolments.count() == sum(1 for row in rows if row["role"])
    assert not ParticipantImport.objects.filter(pk=pending.pk).exists()
