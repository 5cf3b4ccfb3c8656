from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """Long work a person started in the browser, done by a worker: a matching run, an import.

    The row is the job's whole record: who started it, how far it got, how it ended. Domain
    apps register what each kind does (jobs.registry); jobs.services runs it and says how a
    worker that dies part-way is handled."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = (State.QUEUED, State.RUNNING)

    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    target_id = models.PositiveBigIntegerField(help_text="The cohort, the import… it works on.")
    lock_key = models.CharField(
        max_length=100, blank=True, help_text="At most one queued or running job per key."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="jobs"
    )
    back_url = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=10, choices=State, default=State.QUEUED)
    cancel_requested = models.BooleanField(default=False)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=200, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    celery_task_id = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(
        null=True, blank=True, help_text="Set in the transaction that applied the result."
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lock_key"],
                condition=Q(state__in=["queued", "running"]) & ~Q(lock_key=""),
                name="one_active_job_per_lock",
            )
        ]
        indexes = [models.Index(fields=["state", "heartbeat_at"], name="job_state")]

    def __str__(self) -> str:
        return f"{self.title} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE

    @property
    def percent(self) -> int:
        if self.state == self.State.SUCCEEDED:
            return 100
        return round(100 * self.done / self.total) if self.total else 0
