"""Start, run, cancel and recover jobs.

What happens to a job whose worker dies (SIGKILL, the machine goes away, Celery's hard time
limit):

* **Nothing half-applied.** The work writes its result in one transaction that also marks the
  job applied (jobs.progress); a dead worker's transaction is rolled back by the database.
* **Run again from the start, or failed with a reason.** Workers acknowledge tasks late and
  give them back when they are lost, and the job scan (beat, and the job page while someone
  watches) hands out again every queued job nobody took and every running job whose worker
  has not reported for JOBS_STALE_AFTER seconds: up to MAX_ATTEMPTS times, then the job is
  failed with a reason. A job found stale after it was applied is finished, not run again.
* **At most one worker per job.** A worker runs a job only after flipping it from queued to
  running with a conditional update; a task delivered twice finds it taken.
* **The target is not left locked.** The one-active-job-per-key constraint counts queued and
  running jobs only; every path above ends in another state.

JOBS_STALE_AFTER must be longer than a job can go without reporting: keep it above
CELERY_TASK_TIME_LIMIT, which kills a stuck job first.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from jobs import registry
from jobs.models import Job
from jobs.progress import JobCancelled, JobProgress

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
State = Job.State


class JobBusy(DomainError):
    """Another job holds the same key (one matching run per cohort at a time)."""

    def __init__(self, job: Job) -> None:
        super().__init__(_("“%(title)s” is already under way.") % {"title": job.title})
        self.job = job


def stale_after() -> timedelta:
    return timedelta(seconds=settings.JOBS_STALE_AFTER)


def job_start(
    *,
    kind: str,
    title: str,
    target_id: int,
    created_by=None,
    lock_key: str = "",
    back_url: str = "",
) -> Job:
    """Record the job and hand it to a worker once the caller's transaction commits.

    Raises JobBusy, carrying the job that holds it, when `lock_key` is taken."""
    if kind not in registry.KINDS:
        raise LookupError(f"no job kind {kind!r} is registered")
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                title=title[:200],
                target_id=target_id,
                created_by=created_by,
                lock_key=lock_key,
                back_url=back_url,
                enqueued_at=timezone.now(),
            )
    except IntegrityError:
        holder = Job.objects.filter(lock_key=lock_key, state__in=Job.ACTIVE).first()
        if holder is None:  # it finished in between: the caller may try again
            raise
        raise JobBusy(holder) from None
    _enqueue_on_commit(job.pk)
    return job


def _enqueue(job_id: int) -> None:
    # The task module imports this one (a task is a thin call of a service); importing it when
    # a job is enqueued keeps that the only way round, as in notifications.services.
    from jobs.tasks import job_run as job_run_task

    try:
        result = job_run_task.delay(job_id)
    except Exception as exc:
        # The broker is down. Unstamped, the job is handed out by the next scan.
        Job.objects.filter(pk=job_id, state=State.QUEUED).update(enqueued_at=None)
        logger.warning("broker unavailable, job %s waits for the scan: %r", job_id, exc)
        return
    Job.objects.filter(pk=job_id, celery_task_id="").update(celery_task_id=result.id or "")


def _enqueue_on_commit(job_id: int) -> None:
    def hand_out() -> None:
        _enqueue(job_id)

    transaction.on_commit(hand_out, robust=True)


def job_claim(*, job_id: int, now: datetime, task_id: str = "") -> bool:
    """Whoever flips the job from queued to running runs it; everyone else finds it taken."""
    fields = {"celery_task_id": task_id} if task_id else {}
    return bool(
        Job.objects.filter(pk=job_id, state=State.QUEUED).update(
            state=State.RUNNING,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            **fields,
        )
    )


def _end(job_id: int, claimed_at: datetime, state: str, **fields) -> bool:
    # Only the claim we hold: a job handed to another worker meanwhile is theirs to end.
    return bool(
        Job.objects.filter(pk=job_id, state=State.RUNNING, started_at=claimed_at).update(
            state=state, finished_at=timezone.now(), **fields
        )
    )


def job_run(*, job_id: int, task_id: str = "") -> str:
    """Claim the job and do its work; returns the state it ended in (for logs and tests)."""
    claimed_at = timezone.now()
    if not job_claim(job_id=job_id, now=claimed_at, task_id=task_id):
        return "not claimed"
    job = Job.objects.select_related("created_by").get(pk=job_id)
    progress = JobProgress(job, claimed_at)
    try:
        work = registry.KINDS.get(job.kind)
        if work is None:
            raise LookupError(f"no job kind {job.kind!r} is registered")
        result = work(job, progress)
    except JobCancelled:
        # Cancelled, or taken over by another worker (then the update below finds nothing).
        ended = Job.objects.filter(
            pk=job_id, state=State.RUNNING, started_at=claimed_at, cancel_requested=True
        ).update(state=State.CANCELLED, finished_at=timezone.now(), message=_("Cancelled."))
        return State.CANCELLED if ended else "taken over"
    except DomainError as refusal:
        _end(job_id, claimed_at, State.FAILED, error=str(refusal))
        return State.FAILED
    except SoftTimeLimitExceeded:
        _end(job_id, claimed_at, State.FAILED, error=_("The job took too long and was stopped."))
        return State.FAILED
    except Exception as exc:
        logger.exception("job %s (%s) failed", job_id, job.kind)
        _end(
            job_id,
            claimed_at,
            State.FAILED,
            error=_("Something went wrong (%(error)s); nothing was changed.")
            % {"error": type(exc).__name__},
        )
        return State.FAILED
    _end(job_id, claimed_at, State.SUCCEEDED, result=result, done=F("total"))
    return State.SUCCEEDED


@transaction.atomic
def job_cancel(*, job: Job) -> bool:
    """A queued job is cancelled at once; a running one stops at its next report. Too late
    once the job is applying its result (the row is locked until it commits) or has ended."""
    now = timezone.now()
    if Job.objects.filter(pk=job.pk, state=State.QUEUED).update(
        state=State.CANCELLED, finished_at=now, message=_("Cancelled.")
    ):
        return True
    return bool(
        Job.objects.filter(pk=job.pk, state=State.RUNNING, applied_at=None).update(
            cancel_requested=True
        )
    )


def jobs_scan(*, now: datetime | None = None, job_ids: list[int] | None = None) -> int:
    """Hand out jobs nobody took or whose worker died; end those out of attempts.

    Safe to run any number of times, also at once; returns how many jobs it acted on."""
    now = now or timezone.now()
    stale = now - stale_after()
    jobs = Job.objects.filter(
        Q(state=State.QUEUED, enqueued_at=None)
        | Q(state=State.QUEUED, enqueued_at__lt=stale)
        | Q(state=State.RUNNING, heartbeat_at__lt=stale)
    )
    if job_ids is not None:
        jobs = jobs.filter(pk__in=job_ids)
    acted = 0
    for job in jobs.only("pk", "state", "heartbeat_at"):
        acted += _recover(job, now, stale)
    return acted


@transaction.atomic
def _recover(job: Job, now: datetime, stale: datetime) -> bool:
    if job.state == State.QUEUED:
        updated = (
            Job.objects.filter(pk=job.pk, state=State.QUEUED)
            .filter(Q(enqueued_at=None) | Q(enqueued_at__lt=stale))
            .update(enqueued_at=now)
        )
        if updated:
            _enqueue_on_commit(job.pk)
        return bool(updated)
    mine = Job.objects.filter(pk=job.pk, state=State.RUNNING, heartbeat_at__lt=stale)
    gone = _("The worker stopped before finishing")
    if mine.filter(cancel_requested=True).update(
        state=State.CANCELLED, finished_at=now, message=_("Cancelled.")
    ):
        return True
    if mine.exclude(applied_at=None).update(
        state=State.SUCCEEDED,
        finished_at=now,
        done=F("total"),
        result={"summary": _("Done; the worker stopped before it could report more.")},
    ):
        return True
    if mine.filter(attempts__gte=MAX_ATTEMPTS).update(
        state=State.FAILED,
        finished_at=now,
        error=_("%(reason)s, %(count)s times; nothing was changed.")
        % {"reason": gone, "count": MAX_ATTEMPTS},
    ):
        return True
    if mine.update(
        state=State.QUEUED,
        enqueued_at=now,
        message=_("%(reason)s; starting again.") % {"reason": gone},
        done=0,
    ):
        _enqueue_on_commit(job.pk)
        return True
    return False
