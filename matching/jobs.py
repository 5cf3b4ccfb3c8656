"""Matching's long work, done by a worker: a match run started in the browser."""

from __future__ import annotations

from django.urls import reverse

from jobs.models import Job
from jobs.progress import Progress
from jobs.registry import kind
from matching.services import JOB_MATCH_RUN, match_run_create
from programs.models import Cohort


@kind(JOB_MATCH_RUN)
def match_run_job(job: Job, progress: Progress) -> dict:
    cohort = Cohort.objects.select_related("program").get(pk=job.target_id)
    run = match_run_create(cohort=cohort, run_by=job.created_by, progress=progress)
    return {
        "summary": (
            f"{run.summary(run.proposals.count())} in {run.seconds:.2f} s "
            f"(total score {run.objective:.2f})."
        ),
        "url": reverse("matching:run_detail", args=[cohort.slug, run.pk]),
        "run": run.pk,
    }
