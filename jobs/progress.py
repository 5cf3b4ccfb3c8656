"""How long work reports how far it got, and learns that it was cancelled.

Domain services take a `progress` argument (default: NO_PROGRESS, for the command line and
anything else that runs in the foreground) and

* call `progress(done, total, message)` between steps, outside any transaction, so that the
  job page sees it at once; it raises JobCancelled when the person cancelled the job;
* call `progress.applying()` first thing inside the one transaction that writes the result.
  A job marks itself applied in that same transaction, so a worker that dies either leaves
  nothing written (PostgreSQL rolls the transaction back) or the whole result together with
  the mark, and a job is never applied twice. It also holds the job's row until commit:
  a cancel that comes later finds the job applied and is refused."""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.utils import timezone

from jobs.models import Job


class JobCancelled(Exception):
    """The job was cancelled (or taken over by another worker): stop, write nothing."""


class Progress:
    """The null progress: work in the foreground reports to nobody."""

    def __call__(self, done: int, total: int, message: str = "") -> None:
        return None

    def applying(self) -> None:
        return None


NO_PROGRESS = Progress()


class JobProgress(Progress):
    def __init__(self, job: Job, claimed_at: datetime) -> None:
        self.job_id = job.pk
        # This worker's claim: if the job was handed to another worker meanwhile (this one
        # was thought dead), this one's reports find no row and it stops.
        self.claimed_at = claimed_at

    def _mine(self):
        return Job.objects.filter(
            pk=self.job_id,
            state=Job.State.RUNNING,
            started_at=self.claimed_at,
            cancel_requested=False,
        )

    def __call__(self, done: int, total: int, message: str = "") -> None:
        updated = self._mine().update(
            done=done, total=total, message=message[:200], heartbeat_at=timezone.now()
        )
        if not updated:
            raise JobCancelled

    def applying(self) -> None:
        if not connection.in_atomic_block:
            raise RuntimeError("progress.applying() belongs inside the transaction it marks")
        now = timezone.now()
        if not self._mine().filter(applied_at=None).update(applied_at=now, heartbeat_at=now):
            raise JobCancelled
