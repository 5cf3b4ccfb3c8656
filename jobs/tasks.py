from __future__ import annotations

from celery import shared_task

from jobs import services


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def job_run(self, job_id: int) -> str:
    return services.job_run(job_id=job_id, task_id=self.request.id or "")


@shared_task(acks_late=True, ignore_result=True)
def scan() -> None:
    """Run by beat (manage.py setup_schedules registers it)."""
    services.jobs_scan()
